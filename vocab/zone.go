package vocab

import "time"

// Vietnam is Vietnam's time (Asia/Ho_Chi_Minh, "ICT"): UTC+7 all year, no
// daylight saving. Dates the citizen sees, dossier codes and appointments
// are Vietnam dates; both sides name the zone from here.
var Vietnam = time.FixedZone("ICT", 7*60*60)
