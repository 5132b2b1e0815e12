package wire

import (
	"encoding/base64"
	"testing"
)

// TestChooseSASL checks the order of mechanisms and their messages: the
// OAUTHBEARER initial response of RFC 7628, section 3.1 (with the GS2
// escapes of RFC 5801), XOAUTH2, PLAIN (RFC 4616) and LOGIN.
func TestChooseSASL(t *testing.T) {
	dec := func(s string) string {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("not base64: %q", s)
		}
		return string(b)
	}
	tok := &Credentials{Username: "a=b,c@example.com", OAuth2Token: "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="}
	pw := &Credentials{Username: "alice@example.com", Password: "pässword"}
	cases := []struct {
		c       *Credentials
		offered []string
		name    string
		ir      string
		steps   []string
		abort   string
	}{
		{tok, []string{"XOAUTH2", "oauthbearer", "PLAIN"}, "OAUTHBEARER", "n,a=a=3Db=2Cc@example.com,\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01", nil, "\x01"},
		{tok, []string{"PLAIN", "XOAUTH2"}, "XOAUTH2", "user=a=b,c@example.com\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01", nil, ""},
		{tok, []string{"PLAIN", "LOGIN"}, "", "", nil, ""},
		{pw, []string{"LOGIN", "PLAIN"}, "PLAIN", "\x00alice@example.com\x00pässword", nil, "*"},
		{pw, []string{"XOAUTH2", "login"}, "LOGIN", "", []string{"alice@example.com", "pässword"}, "*"},
		{pw, []string{"XOAUTH2", "CRAM-MD5"}, "", "", nil, ""},
	}
	for _, c := range cases {
		m, ok := chooseSASL(c.c, c.offered)
		if ok != (c.name != "") || m.name != c.name {
			t.Errorf("chooseSASL(%v) = %q, %v; want %q", c.offered, m.name, ok, c.name)
			continue
		}
		if !ok {
			continue
		}
		ir := ""
		if m.ir != "" {
			ir = dec(m.ir)
		}
		if ir != c.ir || len(m.steps) != len(c.steps) {
			t.Errorf("%s: initial response %q, %d steps; want %q, %d", m.name, ir, len(m.steps), c.ir, len(c.steps))
		}
		for i := range m.steps {
			if dec(m.steps[i]) != c.steps[i] {
				t.Errorf("%s: step %d = %q, want %q", m.name, i, dec(m.steps[i]), c.steps[i])
			}
		}
		abort := m.abort
		if abort != "" && abort != "*" {
			abort = dec(abort)
		}
		if abort != c.abort {
			t.Errorf("%s: abort %q, want %q", m.name, abort, c.abort)
		}
	}
}
