package autodiscover

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestCandidates(t *testing.T) {
	got, err := Candidates("Example.COM.", Options{})
	want := []Candidate{
		{Method: MethodPOST, URL: "https://autodiscover.example.com/autodiscover/autodiscover.xml"},
		{Method: MethodPOST, URL: "https://example.com/autodiscover/autodiscover.xml"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Candidates = %+v, %v", got, err)
	}
	got, err = Candidates("corp.example.co.uk", Options{HTTPRedirect: true, SRV: true})
	want = []Candidate{
		{Method: MethodPOST, URL: "https://autodiscover.corp.example.co.uk/autodiscover/autodiscover.xml"},
		{Method: MethodPOST, URL: "https://corp.example.co.uk/autodiscover/autodiscover.xml"},
		{Method: MethodHTTPRedirect, URL: "http://autodiscover.corp.example.co.uk/autodiscover/autodiscover.xml"},
		{Method: MethodSRV, SRVName: "_autodiscover._tcp.corp.example.co.uk"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Candidates(opt-in) = %+v, %v", got, err)
	}
	for _, d := range []string{"com", "co.uk", "uk", "github.io", "localhost", "127.0.0.1", "", "example.com:443", "exa mple.com"} {
		if cs, err := Candidates(d, Options{HTTPRedirect: true, SRV: true}); err == nil || !errors.Is(err, ErrRedirect) {
			t.Errorf("Candidates(%q) = %+v, %v, want a refusal", d, cs, err)
		}
	}
}

// No candidate is ever a name above the domain: the autodiscover.<TLD>
// leak (Guardicore 2021) comes from clients stripping labels.
func TestCandidatesNeverLeaveTheDomain(t *testing.T) {
	for _, d := range []string{"example.com", "mail.corp.example.co.uk", "a.b.c.example.org", "example.test", "user.github.io", "xn--bcher-kva.example"} {
		cs, err := Candidates(d, Options{HTTPRedirect: true, SRV: true})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		for _, c := range cs {
			host := strings.TrimPrefix(c.SRVName, "_autodiscover._tcp.")
			if c.URL != "" {
				u, _ := url.Parse(c.URL)
				host = u.Hostname()
			}
			if host != d && !strings.HasSuffix(host, "."+d) {
				t.Errorf("%s: candidate %+v is outside the domain", d, c)
			}
		}
	}
}

func TestSameRegistrableDomain(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"example.com", "autodiscover.example.com", true},
		{"mail.example.co.uk", "autodiscover.example.co.uk", true},
		{"Example.COM", "example.com.", true},
		{"example.co.uk", "other.co.uk", false},
		{"example.com", "example.net", false},
		{"example.com", "example.com.evil.test", false},
		{"example.com", "evilexample.com", false},
		{"alice.github.io", "bob.github.io", false}, // a private suffix: different sites
		{"example.com", "com", false},
		{"co.uk", "co.uk", false},
		{"example.com", "192.0.2.1", false},
	}
	for _, c := range cases {
		if got := SameRegistrableDomain(c.a, c.b); got != c.want {
			t.Errorf("SameRegistrableDomain(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestCheckURL(t *testing.T) {
	good := map[string]string{
		"https://autodiscover-s.example.com/autodiscover/autodiscover.xml": "https://autodiscover-s.example.com/autodiscover/autodiscover.xml",
		"HTTPS://Mail.Example.COM/autodiscover/autodiscover.xml":           "https://mail.example.com/autodiscover/autodiscover.xml",
		"https://example.com:443/autodiscover/autodiscover.xml":            "https://example.com/autodiscover/autodiscover.xml",
		"https://ad.example.com:8443/autodiscover/autodiscover.xml":        "https://ad.example.com:8443/autodiscover/autodiscover.xml",
		"https://deep.sub.example.com/Autodiscover/Autodiscover.xml?x=1":   "https://deep.sub.example.com/Autodiscover/Autodiscover.xml?x=1",
		"https://xn--bcher-kva.example.com/autodiscover/autodiscover.xml":  "https://xn--bcher-kva.example.com/autodiscover/autodiscover.xml",
		"https://autodiscover.example.com./autodiscover/autodiscover.xml":  "https://autodiscover.example.com/autodiscover/autodiscover.xml",
	}
	for in, want := range good {
		got, err := CheckURL("example.com", in)
		if err != nil || got != want {
			t.Errorf("CheckURL(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"http://autodiscover.example.com/autodiscover/autodiscover.xml":  "not https",
		"ftp://autodiscover.example.com/autodiscover/autodiscover.xml":   "not https",
		"//autodiscover.example.com/autodiscover/autodiscover.xml":       "not https",
		"https://autodiscover.outlook.com/autodiscover/autodiscover.xml": "outside",
		"https://example.com.evil.test/autodiscover/autodiscover.xml":    "outside",
		"https://autodiscover.com/autodiscover/autodiscover.xml":         "outside",
		"https://com/autodiscover/autodiscover.xml":                      "",
		"https://192.0.2.1/autodiscover/autodiscover.xml":                "IP address",
		"https://[2001:db8::1]/autodiscover/autodiscover.xml":            "IP address",
		"https://user:pass@autodiscover.example.com/autodiscover.xml":    "user information",
		"https://autodiscover.example.com:0/x":                           "port",
		"https://autodiscover.example.com:99999/x":                       "port",
		"https://autodiscover.example.com/a b":                           "space",
		"https://autodiscover.example.com/\x00":                          "control",
		"https://autodiscover.éxample.com/":                              "non-ASCII",
		"https://" + strings.Repeat("a.", 1100) + "example.com/":         "longer",
		"javascript:alert(1)":                                            "not https",
		"":                                                               "not https",
	}
	for in, reason := range bad {
		got, err := CheckURL("example.com", in)
		if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), reason) {
			t.Errorf("CheckURL(%.60q) = %q, %v, want ErrRedirect about %q", in, got, err, reason)
		}
	}
	if _, err := CheckURL("co.uk", "https://example.co.uk/x"); !errors.Is(err, ErrRedirect) {
		t.Errorf("query domain a public suffix: %v", err)
	}
}

func TestCheckAddr(t *testing.T) {
	if a, err := CheckAddr("example.com", "alice@Corp.Example.COM"); err != nil || a != "alice@corp.example.com" {
		t.Errorf("CheckAddr = %q, %v", a, err)
	}
	for _, a := range []string{"alice@example.net", "alice@evil.test", "alice@example.com.evil.test", "alice@com",
		"alice", "alice@", "al ice@example.com", "alice@192.0.2.1", "alice@example.com:25", "al\u202eice@example.com"} {
		if got, err := CheckAddr("example.com", a); !errors.Is(err, ErrRedirect) {
			t.Errorf("CheckAddr(%q) = %q, %v, want ErrRedirect", a, got, err)
		}
	}
}

func TestSRVURL(t *testing.T) {
	cases := []struct {
		target string
		port   uint16
		want   string
	}{
		{"autodiscover.example.com.", 443, "https://autodiscover.example.com/autodiscover/autodiscover.xml"},
		{"mail.example.com", 8443, "https://mail.example.com:8443/autodiscover/autodiscover.xml"},
	}
	for _, c := range cases {
		if got, err := SRVURL("example.com", c.target, c.port); err != nil || got != c.want {
			t.Errorf("SRVURL(%q, %d) = %q, %v", c.target, c.port, got, err)
		}
	}
	for _, c := range []struct {
		target string
		port   uint16
	}{{".", 443}, {"", 443}, {"mail.example.com", 0}, {"autodiscover.hoster.test.", 443}, {"192.0.2.1", 443}, {"localhost.", 443}} {
		if got, err := SRVURL("example.com", c.target, c.port); !errors.Is(err, ErrRedirect) {
			t.Errorf("SRVURL(%q, %d) = %q, %v, want ErrRedirect", c.target, c.port, got, err)
		}
	}
}

func TestChainURLHops(t *testing.T) {
	c := Chain{Domain: "example.com"}
	c.VisitURL("https://autodiscover.example.com/autodiscover/autodiscover.xml")
	for i, u := range []string{
		"https://a.example.com/autodiscover/autodiscover.xml",
		"https://b.example.com/autodiscover/autodiscover.xml",
		"https://c.example.com/autodiscover/autodiscover.xml",
	} {
		if _, err := c.URL(u); err != nil {
			t.Fatalf("hop %d: %v", i+1, err)
		}
	}
	if _, err := c.URL("https://d.example.com/autodiscover/autodiscover.xml"); !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "more than 3") {
		t.Errorf("fourth hop: %v", err)
	}
}

func TestChainLoops(t *testing.T) {
	c := Chain{Domain: "example.com"}
	c.VisitURL("https://autodiscover.example.com/autodiscover/autodiscover.xml")
	if _, err := c.URL("https://AUTODISCOVER.example.com:443/autodiscover/autodiscover.xml"); !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "loop") {
		t.Errorf("back to the candidate: %v", err)
	}
	c = Chain{Domain: "example.com"}
	a, b := "https://a.example.com/x", "https://b.example.com/x"
	if _, err := c.URL(a); err != nil {
		t.Fatal(err)
	}
	if _, err := c.URL(b); err != nil {
		t.Fatal(err)
	}
	if _, err := c.URL(a); !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "loop") {
		t.Errorf("a→b→a: %v", err)
	}
}

func TestChainRefusesDowngradeAndCrossDomain(t *testing.T) {
	c := Chain{Domain: "example.com"}
	for _, u := range []string{
		"http://autodiscover.example.com/autodiscover/autodiscover.xml",
		"https://autodiscover.attacker.test/autodiscover/autodiscover.xml",
		"https://autodiscover.com/autodiscover/autodiscover.xml",
	} {
		if _, err := c.URL(u); !errors.Is(err, ErrRedirect) {
			t.Errorf("URL(%q): %v", u, err)
		}
	}
	if _, err := c.Addr("alice@attacker.test"); !errors.Is(err, ErrRedirect) {
		t.Errorf("cross-domain RedirectAddr: %v", err)
	}
	// Refused redirects do not use up hops.
	if _, err := c.URL("https://ok.example.com/x"); err != nil {
		t.Errorf("after refusals: %v", err)
	}
}

func TestChainAddr(t *testing.T) {
	c := Chain{Domain: "example.com"}
	c.VisitAddr("alice@example.com")
	if _, err := c.Addr("Alice@example.com"); !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "loop") {
		t.Errorf("redirect to itself: %v", err)
	}
	if a, err := c.Addr("alice@corp.example.com"); err != nil || a != "alice@corp.example.com" {
		t.Errorf("first RedirectAddr: %q, %v", a, err)
	}
	if _, err := c.Addr("alice2@corp.example.com"); !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "more than 1") {
		t.Errorf("second RedirectAddr: %v", err)
	}
	var zero Chain
	if _, err := zero.URL("https://example.com/x"); !errors.Is(err, ErrRedirect) {
		t.Errorf("zero Chain URL: %v", err)
	}
	if _, err := zero.Addr("a@example.com"); !errors.Is(err, ErrRedirect) {
		t.Errorf("zero Chain Addr: %v", err)
	}
}
