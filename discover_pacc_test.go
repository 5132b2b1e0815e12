package mailsettings

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/pacc"
)

// paccVector is the published test vector of draft-ietf-mailmaint-pacc-04
// with its digest record.
const (
	paccVector    = `{"authentication":{"oauth-public":{"issuer":"https://identity.example.test/"},"password":true},"info":{"help":{"documentation":"https://support.example.test/mail"},"provider":{"name":"Example Provider","shortName":"Example"}},"protocols":{"caldav":{"url":"https://sync.example.test/calendar/"},"imap":{"host":"imap.example.test"},"jmap":{"url":"https://jmap.example.test/session"},"pop3":{"host":"pop.example.test"},"submit":{"host":"smtp.example.test"}}}`
	paccVectorTXT = `"v=UAAC1; a=sha256; d=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="`
)

// paccFixture serves body as example.test's PACC document, with the given
// TXT records at _ua-auto-config.example.test.
func paccFixture(t *testing.T, body string, txt ...string) *fixture {
	t.Helper()
	records := []string{"ua-auto-config.example.test. A 127.0.0.1", "config.evil.test. A 127.0.0.1"}
	for _, r := range txt {
		records = append(records, "_ua-auto-config.example.test. TXT "+r)
	}
	f := newFixture(t, []string{"example.test", "evil.test"}, records...)
	f.handle("https://ua-auto-config.example.test"+paccPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	})
	return f
}

func discoverPACC(t *testing.T, f *fixture) (Discovery, *Candidate) {
	t.Helper()
	d := f.discoverer()
	d.NoISPDB = true
	disc, _ := d.Discover(t.Context(), "alice@example.test")
	for i, c := range disc.Candidates {
		if c.Source == sourcePACC {
			return disc, &disc.Candidates[i]
		}
	}
	return disc, nil
}

func TestDiscoverPACCVector(t *testing.T) {
	f := paccFixture(t, paccVector, paccVectorTXT)
	disc, c := discoverPACC(t, f)
	if c == nil {
		t.Fatalf("no PACC candidate; errors %v", disc.Errors)
	}
	want := []ServerEndpoint{
		{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameAddress},
		{POP3, "pop.example.test", 995, ImplicitTLS, UsernameAddress},
		{SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress},
	}
	if !slices.Equal(c.Endpoints(), want) {
		t.Errorf("endpoints %v", c.Endpoints())
	}
	info := c.Provider.Info()
	if c.Trust != TrustAuthenticated || !slices.Equal(c.Reasons, []Reason{reasonHTTPSInDomain, reasonPACCDigest}) ||
		info.Name != "Example Provider" || info.OAuth2 == nil || info.OAuth2.Issuer != "https://identity.example.test/" ||
		info.Password == PasswordOAuth2Only || info.DocURL != "https://support.example.test/mail" {
		t.Errorf("candidate %v %v %+v", c.Trust, c.Reasons, info)
	}
	// Ranked with HTTPS autoconfig: above SRV and MX.
	if best, _ := disc.Best(); best.Source != sourcePACC {
		t.Errorf("best = %v", best.Source)
	}
}

func TestDiscoverPACCHostile(t *testing.T) {
	const dupKeys = `{"protocols":{"imap":{"host":"imap.example.test"},"imap":{"host":"imap.evil.test"}}}`
	oauthOnly := strings.Replace(paccVector, `"password":true`, `"password":false`, 1)
	for _, tt := range []struct {
		name   string
		body   string
		txt    []string
		errSub string // in the PACC source's error; "" means a candidate
	}{
		{"no digest record", paccVector, nil, "digest record _ua-auto-config.example.test"},
		{"digest mismatch", paccVector + " ", []string{paccVectorTXT}, "does not match"},
		{"digest of another body", oauthOnly, []string{paccVectorTXT}, "does not match"},
		{"tag case differs", paccVector, []string{`"V=UAAC1; A=sha256; D=Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE="`}, "no v=UAAC1"},
		{"spacing and order", paccVector, []string{`"d = Yv17O1u1N+KeOhLF0eZv/RNE2t6o6NHAYCskZubeISE= ;a=sha256;   v=UAAC1;"`}, ""},
		{"split character-strings", paccVector, []string{`"v=UAAC1; a=sha" "256; d=Yv17O1u1N+KeOhLF0eZv/" "RNE2t6o6NHAYCskZubeISE="`}, ""},
		{"several records, one matches", paccVector, []string{`"v=UAAC1; a=sha256; d=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`, paccVectorTXT, `"unrelated"`}, ""},
		{"body over 1 MiB", strings.Repeat(" ", pacc.MaxBodySize) + paccVector, []string{paccVectorTXT}, "larger than"},
		{"duplicate keys", dupKeys, []string{`"` + pacc.TXTRecord([]byte(dupKeys)) + `"`}, "duplicate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := paccFixture(t, tt.body, tt.txt...)
			disc, c := discoverPACC(t, f)
			if tt.errSub == "" {
				if c == nil || c.Trust != TrustAuthenticated {
					t.Fatalf("no authenticated PACC candidate; errors %v", disc.Errors)
				}
				return
			}
			if c != nil {
				t.Fatalf("PACC candidate %v from a hostile document", c.Endpoints())
			}
			if n := countErrors(disc, tt.errSub); n == 0 {
				t.Errorf("no error containing %q: %v", tt.errSub, disc.Errors)
			}
		})
	}
}

// TestDiscoverPACCRedirect checks that a PACC fetch refuses a redirect to
// another host: the digest ties the body to the domain, the host to the
// name the domain's clients ask.
func TestDiscoverPACCRedirect(t *testing.T) {
	f := paccFixture(t, paccVector, paccVectorTXT)
	f.handle("https://ua-auto-config.example.test"+paccPath, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://config.evil.test/pacc.json", http.StatusFound)
	})
	f.handle("https://config.evil.test/pacc.json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(paccVector)) })
	disc, c := discoverPACC(t, f)
	if c != nil || countErrors(disc, "another host") == 0 {
		t.Errorf("candidate %v, errors %v", c, disc.Errors)
	}
	for _, r := range f.requested() {
		if strings.Contains(r, "evil.test") {
			t.Errorf("followed the redirect: %s", r)
		}
	}
}

// TestDiscoverPACCExplicitPort checks that a host with a port, which PACC
// cannot mean, is dropped, and non-https URLs are not kept.
func TestDiscoverPACCExplicitPort(t *testing.T) {
	body := `{"protocols":{"imap":{"host":"imap.example.test:143"},"submit":{"host":"smtp.example.test"}},"info":{"help":{"documentation":"http://support.example.test/"}}}`
	f := paccFixture(t, body, `"`+pacc.TXTRecord([]byte(body))+`"`)
	disc, c := discoverPACC(t, f)
	if c == nil {
		t.Fatalf("no candidate: %v", disc.Errors)
	}
	if !slices.Equal(c.Endpoints(), []ServerEndpoint{{SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress}}) || c.Provider.Info().DocURL != "" {
		t.Errorf("endpoints %v, doc %q", c.Endpoints(), c.Provider.Info().DocURL)
	}
	if countErrors(disc, "protocols.imap") == 0 {
		t.Errorf("the dropped host is not reported: %v", disc.Errors)
	}
}
