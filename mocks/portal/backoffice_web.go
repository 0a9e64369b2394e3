package portal

import "net/http"

// backofficeWebRoutes adds the officers' pages (docs/officers.md, "Web pages").
func (s *Server) backofficeWebRoutes(m *http.ServeMux) {}
