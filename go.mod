module github.com/mailsettings/mailsettings

go 1.26.0

require golang.org/x/net v0.62.0

require golang.org/x/text v0.43.0 // indirect

// Used only by tests (goroutine leak checks).
require go.uber.org/goleak v1.3.0
