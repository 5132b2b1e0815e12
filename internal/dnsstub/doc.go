// Package dnsstub is a small DNS stub client. It sends one question to one
// recursive resolver, with the EDNS0 DO bit and the AD bit set, and returns
// the SRV, MX, TXT, A or AAAA records of the answer together with whether the
// resolver marked the answer as DNSSEC-validated (the AD bit) and whether
// that mark may be believed (see [Policy]).
//
// It validates no signature itself: it relies on a validating resolver and
// on the path to it. The AD bit is only as good as both, which is why it is
// believed only from the servers [Policy] allows.
//
// Everything in a response is treated as untrusted input: the response must
// match the question (random ID, question section, response flag), its size
// is bounded, and host names in answers (SRV and MX targets) are validated
// like user input; a malformed one is dropped and counted, never returned.
// TXT strings are returned as received, byte for byte, for the caller to
// parse and sanitize.
//
// The package does no I/O at import time and keeps no package-level state.
// Every goroutine a lookup starts ends before the lookup returns.
package dnsstub
