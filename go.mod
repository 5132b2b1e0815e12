module github.com/mailsettings/mailsettings

go 1.26.0

require golang.org/x/net v0.62.0

// Used only by the command (cmd/mailsettings): a password prompt without
// echo, and telling whether standard error is a terminal.
require golang.org/x/term v0.47.0

require (
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

// Used only by tests: goroutine leak checks, and an in-process DNS server
// (internal/dnstest).
require (
	github.com/miekg/dns v1.1.73
	go.uber.org/goleak v1.3.0
)
