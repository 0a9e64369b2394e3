package store

// MaskURL is maskURL, for the external tests.
var MaskURL = maskURL
