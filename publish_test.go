package mailsettings

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/autodiscover"
	"github.com/mailsettings/mailsettings/internal/pacc"
)

func newTestProvider(t *testing.T, info ProviderInfo) Provider {
	t.Helper()
	if info.ID == "" {
		info.ID, info.Name, info.Domains = "x", "X Mail", []string{"x.example"}
	}
	p, err := NewProvider(info)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWritersRefuse: each writer refuses, with ErrUnpublishable and a
// message that says why, what it cannot write.
func TestWritersRefuse(t *testing.T) {
	const a = UsernameAddress
	starttlsOnlyPOP := newTestProvider(t, ProviderInfo{Endpoints: []ServerEndpoint{
		ep(IMAP, "imap.x.example", 993, ImplicitTLS, a), ep(POP3, "pop.x.example", 110, STARTTLS, a), ep(SMTP, "smtp.x.example", 465, ImplicitTLS, a),
	}})
	plaintextSMTP := newTestProvider(t, ProviderInfo{Endpoints: []ServerEndpoint{
		ep(IMAP, "imap.x.example", 993, ImplicitTLS, a), ep(SMTP, "smtp.x.example", 25, Plaintext, a),
	}})
	localPart := newTestProvider(t, ProviderInfo{Endpoints: []ServerEndpoint{
		ep(IMAP, "imap.x.example", 993, ImplicitTLS, UsernameLocalPart), ep(SMTP, "smtp.x.example", 465, ImplicitTLS, a),
	}})
	oauthOnly := newTestProvider(t, ProviderInfo{Password: PasswordOAuth2Only, OAuth2: &OAuth2{Issuer: "login.x.example"}, Endpoints: []ServerEndpoint{
		ep(IMAP, "imap.x.example", 993, ImplicitTLS, a), ep(SMTP, "smtp.x.example", 465, ImplicitTLS, a),
	}})
	odd := newTestProvider(t, ProviderInfo{Endpoints: []ServerEndpoint{
		ep(IMAP, "imap.x.example", 143, ImplicitTLS, a), ep(SMTP, "smtp.x.example", 2525, STARTTLS, a),
	}})
	writers := map[string]func(Provider) error{
		"Autodiscover": func(p Provider) error { _, err := p.MarshalAutodiscover("alice@x.example"); return err },
		"PACC":         func(p Provider) error { _, _, err := p.MarshalPACC(); return err },
		"profile":      func(p Provider) error { _, err := p.MarshalMobileconfig("alice@x.example", nil); return err },
		"SRV":          func(p Provider) error { _, err := p.SRVRecords("x.example"); return err },
	}
	for _, tt := range []struct {
		name    string
		p       Provider
		refused []string // by these writers; the others must write it
		because string
	}{
		{"zero", Provider{}, []string{"Autodiscover", "PACC", "profile", "SRV"}, "zero Provider"},
		{"STARTTLS-only POP3", starttlsOnlyPOP, []string{"PACC"}, "POP3 would be left with no endpoint: POP3 pop.x.example:110 STARTTLS: PACC cannot express STARTTLS"},
		{"plaintext SMTP", plaintextSMTP, []string{"Autodiscover", "PACC", "profile", "SRV"}, "plaintext"},
		{"local part login", localPart, []string{"PACC", "SRV"}, "clients log in with the email address"},
		{"OAuth2 only", oauthOnly, []string{"Autodiscover", "PACC", "profile"}, "OAuth2"},
		{"ports against the mode", odd, []string{"Autodiscover", "PACC", "profile"}, "port"},
	} {
		for name, write := range writers {
			err := write(tt.p)
			switch {
			case !slices.Contains(tt.refused, name) && err != nil:
				t.Errorf("%s: %s: %v", tt.name, name, err)
			case slices.Contains(tt.refused, name) && (!errors.Is(err, ErrUnpublishable) || !strings.Contains(err.Error(), tt.because)):
				t.Errorf("%s: %s: err = %v, want ErrUnpublishable saying %q", tt.name, name, err, tt.because)
			}
		}
	}
	qq, _ := ProviderByID("qq")
	for _, err := range []error{
		func() error { _, err := qq.MarshalAutodiscover("no-at-sign"); return err }(),
		func() error { _, err := qq.MarshalAutodiscover(`"quoted"@qq.com`); return err }(),
		func() error { _, err := qq.MarshalMobileconfig("bad domain", nil); return err }(),
		func() error { _, err := qq.MarshalMobileconfig("@qq.com", nil); return err }(),
		func() error { _, err := qq.SRVRecords("alice@qq.com"); return err }(),
		func() error { _, err := qq.SRVRecords("a..b"); return err }(),
		func() error {
			_, err := newTestProvider(t, ProviderInfo{ID: "nodomain", Name: "N", Endpoints: qq.data().Endpoints}).MarshalMobileconfig("", nil)
			return err
		}(),
	} {
		if !errors.Is(err, ErrUnpublishable) {
			t.Errorf("err = %v, want ErrUnpublishable", err)
		}
	}
}

// TestWritersLeaveOut: endpoints a format cannot say are left out when
// their protocol keeps another.
func TestWritersLeaveOut(t *testing.T) {
	const a = UsernameAddress
	p := newTestProvider(t, ProviderInfo{DocURL: "http://x.example/help", Endpoints: []ServerEndpoint{
		ep(IMAP, "imap.x.example", 993, ImplicitTLS, a), ep(IMAP, "imap.x.example", 143, STARTTLS, a), ep(IMAP, "imap.x.example", 143, Plaintext, a),
		ep(SMTP, "smtp.x.example", 587, STARTTLS, a), ep(SMTP, "smtp.x.example", 465, ImplicitTLS, UsernameLocalPart), ep(SMTP, "smtp.x.example", 587, ImplicitTLS, a),
	}})
	doc, err := p.MarshalAutodiscover("Alice@X.Example")
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := autodiscover.ParseResponse(doc)
	var got []string
	for _, pr := range resp.Protocols {
		got = append(got, pr.Type+" "+pr.LoginName+" "+pr.Encryption+" "+strconv.Itoa(pr.Port))
	}
	want := []string{"IMAP Alice@x.example SSL 993", "IMAP Alice@x.example TLS 143", "SMTP Alice SSL 465", "SMTP Alice@x.example TLS 587"}
	if !slices.Equal(got, want) {
		t.Errorf("Autodiscover protocols %q, want %q (no plaintext, no implicit TLS on 587)", got, want)
	}
	// PACC: the help page is http, so it is left out; submission has only
	// an endpoint with another login name on 465, and implicit TLS on
	// 587, which PACC cannot say.
	if _, _, err := p.MarshalPACC(); !errors.Is(err, ErrUnpublishable) || !strings.Contains(err.Error(), "SMTP would be left") {
		t.Errorf("PACC: %v", err)
	}
	q := newTestProvider(t, ProviderInfo{DocURL: "http://x.example/help", Endpoints: []ServerEndpoint{ep(IMAP, "imap.x.example", 993, ImplicitTLS, a)}})
	body, txt, err := q.MarshalPACC()
	if c, _ := pacc.Parse(body); err != nil || c.DocumentationURL != "" || len(c.IMAP) != 1 || c.Submit != nil || !strings.HasPrefix(txt, "v=UAAC1; a=sha256; d=") {
		t.Errorf("PACC with an http help page: %v, %+v, %q\n%s", err, c, txt, body)
	}
	lines, err := p.SRVRecords("X.Example.")
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []string{
		"_submissions._tcp.x.example. 3600 IN SRV 0 0 587 smtp.x.example.",
		"_submission._tcp.x.example. 3600 IN SRV 0 0 587 smtp.x.example.",
		"_imaps._tcp.x.example. 3600 IN SRV 0 0 993 imap.x.example.",
		"_imap._tcp.x.example. 3600 IN SRV 0 0 143 imap.x.example.",
		"_pop3s._tcp.x.example. 3600 IN SRV 0 0 0 .",
		"_pop3._tcp.x.example. 3600 IN SRV 0 0 0 .",
	}
	if !slices.Equal(lines, wantLines) {
		t.Errorf("SRV lines\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
	profile, err := p.MarshalMobileconfig("alice@x.example", nil)
	if err != nil || !bytes.Contains(profile, []byte("<integer>465</integer>")) || !bytes.Contains(profile, []byte("<string>alice</string>")) {
		t.Errorf("profile: %v; want submission on 465 with login alice\n%s", err, profile)
	}
	// Several endpoints of one service get rising priorities, in order of
	// preference.
	two := newTestProvider(t, ProviderInfo{Endpoints: []ServerEndpoint{ep(IMAP, "imap.x.example", 993, ImplicitTLS, a), ep(IMAP, "imap2.x.example", 993, ImplicitTLS, a)}})
	lines, _ = two.SRVRecords("x.example")
	if !slices.Contains(lines, "_imaps._tcp.x.example. 3600 IN SRV 1 0 993 imap2.x.example.") {
		t.Errorf("two IMAP hosts:\n%s", strings.Join(lines, "\n"))
	}
}

func TestMarshalMobileconfigSigner(t *testing.T) {
	qq, _ := ProviderByID("qq")
	unsigned, _ := qq.MarshalMobileconfig("qq.com", nil)
	signed, err := qq.MarshalMobileconfig("qq.com", testSigner{})
	if err != nil || !bytes.Equal(signed, append(append([]byte("SIGNED("), unsigned...), ')')) {
		t.Errorf("signed = %.40q, %v", signed, err)
	}
	if _, err := qq.MarshalMobileconfig("qq.com", emptySigner{}); err == nil || errors.Is(err, ErrUnpublishable) {
		t.Errorf("a signer that returns nothing: %v", err)
	}
}

type emptySigner struct{}

func (emptySigner) Sign([]byte) ([]byte, error) { return nil, nil }
