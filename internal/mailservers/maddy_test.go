package mailservers

import (
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
)

func TestMaddy(t *testing.T) {
	c, p := goServerConfig(t)
	start := time.Now()
	m := StartMaddy(t, c)
	t.Logf("maddy ready in %v: imap %s imaps %s submission %s submissions %s",
		time.Since(start).Round(time.Millisecond), m.IMAP, m.IMAPS, m.Submission, m.Submissions)
	for _, tc := range []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imaps", imap, itls, m.IMAPS},
		{"imap-starttls", imap, stls, m.IMAP},
		{"submissions", submission, itls, m.Submissions},
		{"submission-starttls", submission, stls, m.Submission},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probeGoServer(t, p, endpointAt(t, tc.proto, tc.enc, probeHost, tc.addr))
		})
	}
}
