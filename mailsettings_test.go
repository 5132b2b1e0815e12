package mailsettings_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/address"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// seed lists every domain of the seed table with its provider and the
// endpoints it must have, in preference order.
var seed = []struct {
	provider string
	domains  []string
	want     []string // "proto host:port enc"
}{
	{"qq", []string{"qq.com", "foxmail.com", "vip.qq.com"}, []string{
		"IMAP imap.qq.com:993 implicit TLS",
		"POP3 pop.qq.com:995 implicit TLS",
		"SMTP smtp.qq.com:465 implicit TLS",
		"SMTP smtp.qq.com:587 STARTTLS",
	}},
	{"netease-163", []string{"163.com"}, neteaseWant("163.com")},
	{"netease-126", []string{"126.com"}, neteaseWant("126.com")},
	{"netease-yeah", []string{"yeah.net"}, neteaseWant("yeah.net")},
	{"netease-vip163", []string{"vip.163.com"}, neteaseWant("vip.163.com")},
	{"netease-vip126", []string{"vip.126.com"}, neteaseWant("vip.126.com")},
	{"netease-188", []string{"188.com"}, neteaseWant("188.com")},
	{"gmail", []string{"gmail.com", "googlemail.com"}, []string{
		"IMAP imap.gmail.com:993 implicit TLS",
		"POP3 pop.gmail.com:995 implicit TLS",
		"SMTP smtp.gmail.com:465 implicit TLS",
		"SMTP smtp.gmail.com:587 STARTTLS",
	}},
	{"outlook", []string{"outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk", "outlook.jp", "hotmail.fr", "live.cn"}, []string{
		"IMAP outlook.office365.com:993 implicit TLS",
		"POP3 outlook.office365.com:995 implicit TLS",
		"SMTP smtp-mail.outlook.com:587 STARTTLS",
	}},
}

func neteaseWant(d string) []string {
	return []string{
		"IMAP imap." + d + ":993 implicit TLS",
		"POP3 pop." + d + ":995 implicit TLS",
		"SMTP smtp." + d + ":465 implicit TLS",
		"SMTP smtp." + d + ":994 implicit TLS",
	}
}

func TestLookupSeed(t *testing.T) {
	for _, p := range seed {
		for _, d := range p.domains {
			t.Run(d, func(t *testing.T) {
				s, err := mailsettings.Lookup(d)
				if err != nil {
					t.Fatalf("Lookup(%q) error: %v", d, err)
				}
				if s.Provider.IsZero() || s.Provider.Info().ID != p.provider {
					t.Fatalf("Lookup(%q).Provider = %v, want %s", d, s.Provider, p.provider)
				}
				var got []string
				for _, e := range s.Endpoints() {
					got = append(got, e.String())
					if e.Username != mailsettings.UsernameAddress {
						t.Errorf("%v: username form %v, want full address", e, e.Username)
					}
				}
				if !slices.Equal(got, p.want) {
					t.Errorf("Lookup(%q).Endpoints =\n%s\nwant\n%s", d, strings.Join(got, "\n"), strings.Join(p.want, "\n"))
				}
				if !slices.Contains(s.Provider.Info().Domains, d) {
					t.Errorf("Provider.Domains() = %v, missing %s", s.Provider.Info().Domains, d)
				}
				if len(s.Notes()) == 0 {
					t.Errorf("Lookup(%q) has no notes", d)
				}
				for _, n := range s.Notes() {
					if n.Text.String() == "" || zhHans(n.Text) == "" || !slices.Contains(noteKinds, n.Kind) {
						t.Errorf("note %+v lacks a language or kind", n)
					}
				}
			})
		}
	}
}

func TestLookupNoStaleOutlookHosts(t *testing.T) {
	s, err := mailsettings.Lookup("hotmail.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Endpoints() {
		if strings.HasSuffix(e.Host, "live.com") || e.Host == "imap-mail.outlook.com" {
			t.Errorf("stale host %v", e)
		}
	}
	if got := s.Provider.Info().Password; got != mailsettings.PasswordOAuth2Only {
		t.Errorf("Outlook.com password kind = %v, want oauth2-only", got)
	}
}

func TestProviderQuirks(t *testing.T) {
	tests := []struct {
		domain   string
		password mailsettings.PasswordKind
		imapID   bool
		oauth2   bool
	}{
		{"qq.com", mailsettings.PasswordAuthCode, false, false},
		{"163.com", mailsettings.PasswordAuthCode, true, false},
		{"yeah.net", mailsettings.PasswordAuthCode, true, false},
		{"gmail.com", mailsettings.PasswordApp, false, true},
		{"outlook.com", mailsettings.PasswordOAuth2Only, false, true},
	}
	for _, tt := range tests {
		s, err := mailsettings.Lookup(tt.domain)
		if err != nil {
			t.Fatal(err)
		}
		p := s.Provider
		if p.Info().Password != tt.password || p.Info().IMAPID != tt.imapID {
			t.Errorf("%s: password %v imapID %v, want %v %v", tt.domain, p.Info().Password, p.Info().IMAPID, tt.password, tt.imapID)
		}
		if ok := p.Info().OAuth2 != nil; ok != tt.oauth2 {
			t.Errorf("%s: OAuth2 listed = %v, want %v", tt.domain, ok, tt.oauth2)
		}
	}
}

func TestLookupNormalization(t *testing.T) {
	tests := []struct {
		in, local, domain, unicode string
	}{
		{"alice@qq.com", "alice", "qq.com", "qq.com"},
		{"QQ.COM.", "", "qq.com", "qq.com"},
		{" qq.com ", "", "qq.com", "qq.com"},
		{"\tAlice@QQ.Com\n", "Alice", "qq.com", "qq.com"},
		{"ＱＱ．ＣＯＭ", "", "qq.com", "qq.com"},                 // full-width forms map to ASCII
		{"bob@ＧＭＡＩＬ．ｃｏｍ", "bob", "gmail.com", "gmail.com"}, // in an address too
		{`"a@b"@qq.com`, `"a@b"`, "qq.com", "qq.com"},      // quoted local part
		{"hotmail.co.uk.", "", "hotmail.co.uk", "hotmail.co.uk"},
		{"用户@qq.com", "用户", "qq.com", "qq.com"}, // SMTPUTF8 local part
		// As people paste it (internal/address unwrap).
		{"mailto:alice@qq.com", "alice", "qq.com", "qq.com"},
		{"Alice <alice@qq.com>", "alice", "qq.com", "qq.com"},
		{"(alice@qq.com),", "alice", "qq.com", "qq.com"},
	}
	for _, tt := range tests {
		s, err := mailsettings.Lookup(tt.in)
		if err != nil {
			t.Errorf("Lookup(%q) error: %v", tt.in, err)
			continue
		}
		if s.LocalPart != tt.local || s.Domain != tt.domain || s.UnicodeDomain != tt.unicode || s.Query != tt.in {
			t.Errorf("Lookup(%q) = local %q domain %q unicode %q query %q, want %q %q %q",
				tt.in, s.LocalPart, s.Domain, s.UnicodeDomain, s.Query, tt.local, tt.domain, tt.unicode)
		}
	}
}

func TestLookupUnicodeDomains(t *testing.T) {
	tests := []struct{ in, domain, unicode string }{
		{"例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国"},
		{"例子。中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国"}, // ideographic full stop
		{"用户@例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国"},
		{"XN--FSQU00A.XN--FIQS8S", "xn--fsqu00a.xn--fiqs8s", "例子.中国"},
		{"Bücher.example", "xn--bcher-kva.example", "bücher.example"},
		{"qq.cοm", "qq.xn--cm-jbc", "qq.cοm"},          // Greek omicron: not qq.com
		{"gmaіl.com", "xn--gmal-n9d.com", "gmaіl.com"}, // Cyrillic і: not gmail.com
	}
	for _, tt := range tests {
		s, err := mailsettings.Lookup(tt.in)
		if !errors.Is(err, mailsettings.ErrUnknownDomain) {
			t.Errorf("Lookup(%q) error = %v, want ErrUnknownDomain", tt.in, err)
		}
		if errors.Is(err, mailsettings.ErrInvalidInput) {
			t.Errorf("Lookup(%q) error %v also matches ErrInvalidInput", tt.in, err)
		}
		if s.Domain != tt.domain || s.UnicodeDomain != tt.unicode || !s.Provider.IsZero() || s.Endpoints() != nil {
			t.Errorf("Lookup(%q) = %q %q %v, want %q %q and no provider", tt.in, s.Domain, s.UnicodeDomain, s.Provider, tt.domain, tt.unicode)
		}
		if !strings.Contains(err.Error(), tt.domain) {
			t.Errorf("Lookup(%q) error %q does not name the domain", tt.in, err)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"   ", "empty"},
		{"@", "missing local part"},
		{"alice@", "missing domain after @"},
		{"@qq.com", "missing local part"},
		{"alice@@qq.com", "unquoted"},
		{"a@b@qq.com", "unquoted"},
		{"a b@qq.com", "unquoted space"},
		{strings.Repeat("x", 65) + "@qq.com", "local part longer than 64"},
		{"al..ice@qq.com", "two dots in a row"}, // RFC 5321 §4.1.2 Dot-string
		{".alice@qq.com", "starts with a dot"},
		{"alice.@qq.com", "ends with a dot"},
		{"<alice>@qq.com", "unquoted character '<'"},
		{"alice(work)@qq.com", "comment"},
		{`"alice@qq.com`, "unbalanced quote"},
		{".qq.com", "empty label"},
		{"qq..com", "empty label"},
		{"qq.com..", "empty label"},
		{strings.Repeat("a", 64) + ".com", "label longer than 63"},
		{long + "." + long + "." + long + "." + long + ".com", "longer than 253"},
		{strings.Repeat("a", 1<<20), "too long"},
		{"127.0.0.1", "IP address literal"},
		{"[127.0.0.1]", "IP address literal"},
		{"alice@[127.0.0.1]", "IP address literal"},
		{"::1", "IP address literal"},
		{"[IPv6:::1]", "IP address literal"},
		{"qq.com:993", "without port or path"},
		{"imap.qq.com/x", "without port or path"},
		{"qq.com?x", "without port or path"},
		{"http://qq.com", "URL"},
		{"qq com", "space"},
		{"qq.com\x00", "control character"},
		{"qq.com\r\nRCPT TO:<x>", "control character"},
		{"qq.com\t.x", "control character"},
		{"*.qq.com", "not a valid domain"},
		{"_imaps._tcp.qq.com", "not a valid domain"},
		{"-qq.com", "invalid label"},
		{"qq-.com", "invalid label"},
		{"xn--zz.com", "not a valid domain"},
		{"xn--.com", "empty label"},
		{"xn--qq-.com", "not a valid domain"},
		{"q\u200Dq.com", "not a valid domain"},
		{"a\u05D0.com", "not a valid domain"},
		{"qq.com\xff", "UTF-8"},
		{"qq.c$m", "not a valid domain"},
	}
	for _, tt := range tests {
		s, err := mailsettings.Lookup(tt.in)
		if !errors.Is(err, mailsettings.ErrInvalidInput) {
			t.Errorf("Lookup(%.40q) error = %v, want ErrInvalidInput", tt.in, err)
			continue
		}
		if errors.Is(err, mailsettings.ErrUnknownDomain) {
			t.Errorf("Lookup(%.40q) error %v also matches ErrUnknownDomain", tt.in, err)
		}
		var ie *mailsettings.InputError
		if !errors.As(err, &ie) || ie.Input != tt.in {
			t.Errorf("Lookup(%.40q) error %#v is not an *InputError naming the input", tt.in, err)
			continue
		}
		if !strings.Contains(ie.Reason, tt.reason) {
			t.Errorf("Lookup(%.40q) reason = %q, want it to mention %q", tt.in, ie.Reason, tt.reason)
		}
		if len(err.Error()) > 300 {
			t.Errorf("Lookup(%.40q) error message is %d bytes long", tt.in, len(err.Error()))
		}
		if !s.Provider.IsZero() || s.Endpoints() != nil || s.Domain != "" {
			t.Errorf("Lookup(%.40q) returned settings %+v with an error", tt.in, s)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, in := range []string{"example.com", "bob@example.org", "localhost", "qq", "mail.qq.com"} {
		_, err := mailsettings.Lookup(in)
		if !errors.Is(err, mailsettings.ErrUnknownDomain) || errors.Is(err, mailsettings.ErrInvalidInput) {
			t.Errorf("Lookup(%q) error = %v, want only ErrUnknownDomain", in, err)
		}
	}
}

func TestLookupResultIsACopy(t *testing.T) {
	a, err := mailsettings.Lookup("qq.com")
	if err != nil {
		t.Fatal(err)
	}
	want := a.Endpoints()
	got := a.Endpoints()
	got[0].Host = "evil.example"
	d := a.Provider.Info().Domains
	d[0] = "evil.example"
	n := a.Provider.Info().Notes
	n[0].Text = mailsettings.NewText("evil")
	e := a.Provider.Info().Endpoints
	e[0].Port = 1
	info := a.Provider.Info()
	info.Endpoints[0].Host = "evil.example"
	info.Domains[0] = "evil.example"
	// A Provider is a value: overwriting one changes only that copy.
	a.Provider = mailsettings.Provider{}
	if !a.Provider.IsZero() || a.Endpoints() != nil {
		t.Error("the zero Provider is not empty")
	}
	b, _ := mailsettings.Lookup("qq.com")
	if !slices.Equal(b.Endpoints(), want) || !slices.Equal(b.Provider.Info().Endpoints, want) || want[0].Host != "imap.qq.com" {
		t.Errorf("a caller changed the shared table: %v", b.Endpoints())
	}
	if b.Provider.Info().Domains[0] != "qq.com" || b.Provider.Info().Notes[0].Text.String() == "evil" {
		t.Errorf("a caller changed the shared provider: %v %v", b.Provider.Info().Domains, b.Provider.Info().Notes)
	}
	o, _ := mailsettings.Lookup("gmail.com")
	o.Provider.Info().OAuth2.Scopes[0] = "evil"
	if o.Provider.Info().OAuth2.Scopes[0] == "evil" {
		t.Error("a caller changed the shared OAuth2 scopes")
	}
}

func TestSettingsHelpers(t *testing.T) {
	s, err := mailsettings.Lookup("Alice@QQ.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		p    mailsettings.Protocol
		want string
	}{
		{mailsettings.IMAP, "imap.qq.com:993"},
		{mailsettings.POP3, "pop.qq.com:995"},
		{mailsettings.SMTP, "smtp.qq.com:465"},
	} {
		e, ok := s.Best(tt.p)
		if !ok || e.Addr() != tt.want || e.Encryption != mailsettings.ImplicitTLS {
			t.Errorf("Best(%v) = %v, %v; want %s implicit TLS", tt.p, e, ok, tt.want)
		}
	}
	if in, ok := s.Incoming(); !ok || in.Protocol != mailsettings.IMAP {
		t.Errorf("Incoming() = %v, %v; want IMAP", in, ok)
	}
	e, _ := s.Best(mailsettings.SMTP)
	if got := s.Username(e); got != "Alice@qq.com" {
		t.Errorf("Username = %q, want Alice@qq.com", got)
	}
	if got := s.Address(); got != "Alice@qq.com" {
		t.Errorf("Address = %q", got)
	}
	d, _ := mailsettings.Lookup("qq.com")
	if got := d.Username(e); got != "" {
		t.Errorf("Username for a domain query = %q, want empty", got)
	}
	var zero mailsettings.Settings
	if _, ok := zero.Best(mailsettings.IMAP); ok {
		t.Error("zero Settings has a best endpoint")
	}
	if zero.Notes() != nil || zero.Address() != "" {
		t.Error("zero Settings has notes or an address")
	}
}

func TestUsernameForms(t *testing.T) {
	tests := []struct {
		f            mailsettings.UsernameForm
		local, want  string
		domain, text string
	}{
		{mailsettings.UsernameAddress, "bob", "bob@example.com", "example.com", "%EMAILADDRESS%"},
		{mailsettings.UsernameLocalPart, "bob", "bob", "example.com", "%EMAILLOCALPART%"},
		{mailsettings.UsernameLocalPartDotDomain, "bob", "bob.example.com", "example.com", "%EMAILLOCALPART%.%EMAILDOMAIN%"},
		{mailsettings.UsernameAddress, "", "", "example.com", "%EMAILADDRESS%"},
		{"", "bob", "", "example.com", ""},
		{"%EMAIL%", "bob", "", "example.com", "%EMAIL%"},
	}
	for _, tt := range tests {
		s := mailsettings.Settings{LocalPart: tt.local, Domain: tt.domain}
		if got := s.Username(mailsettings.ServerEndpoint{Username: tt.f}); got != tt.want {
			t.Errorf("Username with %v for %q, %q = %q, want %q", tt.f, tt.local, tt.domain, got, tt.want)
		}
		if string(tt.f) != tt.text {
			t.Errorf("code %q, want %q", tt.f, tt.text)
		}
	}
}

func TestSettingsJSON(t *testing.T) {
	s, err := mailsettings.Lookup("alice@qq.com")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Query, Address, Domain string
		Provider               struct{ ID, Name, Password string }
		Endpoints              []struct {
			Protocol, Host, Encryption, Username string
			Port                                 int
		}
		Notes []struct {
			Kind string
			Text map[string]string
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Query != "alice@qq.com" || got.Domain != "qq.com" || got.Address != "alice@qq.com" ||
		got.Provider.ID != "qq" || got.Provider.Password != "authorization-code" {
		t.Errorf("JSON = %s", b)
	}
	if len(got.Endpoints) != 4 || got.Endpoints[0].Protocol != "imap" || got.Endpoints[0].Encryption != "tls" ||
		got.Endpoints[0].Port != 993 || got.Endpoints[0].Username != "alice@qq.com" || got.Endpoints[3].Encryption != "starttls" {
		t.Errorf("JSON endpoints = %+v", got.Endpoints)
	}
	if len(got.Notes) == 0 || got.Notes[0].Kind != "password" || got.Notes[0].Text["zh-Hans"] == "" || got.Notes[0].Text["en"] == "" {
		t.Errorf("JSON notes = %+v", got.Notes)
	}
	d, _ := mailsettings.Lookup("qq.com")
	b, _ = json.Marshal(d)
	if !strings.Contains(string(b), `"username":"%EMAILADDRESS%"`) || strings.Contains(string(b), `"address"`) {
		t.Errorf("JSON for a domain = %s, want the username placeholder and no address", b)
	}
}

func TestNewProvider(t *testing.T) {
	e := func(p mailsettings.Protocol, host string, port uint16, enc mailsettings.Encryption) mailsettings.ServerEndpoint {
		return mailsettings.ServerEndpoint{Protocol: p, Host: host, Port: port, Encryption: enc, Username: mailsettings.UsernameAddress}
	}
	info := mailsettings.ProviderInfo{
		ID: "example", Name: "Example Mail", Domains: []string{"example.test"},
		Endpoints: []mailsettings.ServerEndpoint{
			e(mailsettings.SMTP, "mail.example.test", 587, mailsettings.STARTTLS),
			e(mailsettings.POP3, "mail.example.test", 110, mailsettings.Plaintext),
			e(mailsettings.IMAP, "mail.example.test", 993, mailsettings.ImplicitTLS),
		},
		Notes: []mailsettings.Note{{Kind: mailsettings.NotePlaintext, Text: mailsettings.NewText("POP3 is unencrypted")}},
	}
	p, err := mailsettings.NewProvider(info)
	if err != nil {
		t.Fatal(err)
	}
	info.Endpoints[0].Host = "changed.example.test"
	info.Domains[0] = "changed.example.test"
	got := p.Info().Endpoints
	if got[0].Protocol != mailsettings.IMAP || got[1].Protocol != mailsettings.SMTP || got[2].Encryption != mailsettings.Plaintext {
		t.Errorf("NewProvider endpoints = %v, want IMAP, SMTP, then the plaintext POP3", got)
	}
	if got[1].Host != "mail.example.test" || p.Info().Domains[0] != "example.test" {
		t.Error("NewProvider kept a reference to the caller's slices")
	}
	bad := []func(*mailsettings.ProviderInfo){
		func(i *mailsettings.ProviderInfo) { i.ID = "" },
		func(i *mailsettings.ProviderInfo) { i.Name = "" },
		func(i *mailsettings.ProviderInfo) { i.Domains = []string{"Example.test"} },
		func(i *mailsettings.ProviderInfo) { i.Domains = []string{"a@example.test"} },
		func(i *mailsettings.ProviderInfo) { i.Endpoints = nil },
		func(i *mailsettings.ProviderInfo) { i.Endpoints = append(i.Endpoints, i.Endpoints[0]) },
		func(i *mailsettings.ProviderInfo) { i.Endpoints = append(i.Endpoints, mailsettings.ServerEndpoint{}) },
		func(i *mailsettings.ProviderInfo) { i.Notes = []mailsettings.Note{{}} },
	}
	for k, mut := range bad {
		i := p.Info()
		mut(&i)
		if _, err := mailsettings.NewProvider(i); err == nil {
			t.Errorf("case %d: NewProvider accepted %+v", k, i)
		}
	}
	var zero mailsettings.Provider
	if zero.Info().Endpoints != nil || zero.Info().Name != "" || !zero.IsZero() {
		t.Error("the zero Provider is not empty")
	}
}

// TestSettingsJSONFieldNames pins the exact JSON field names, which are
// part of the API (mailsettings lookup -json, Discover's candidates). A struct
// without tags would not do: encoding/json matches names case-insensitively.
func TestSettingsJSONFieldNames(t *testing.T) {
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"alice@qq.com", []string{"address", "domain", "endpoints", "notes", "provider", "query", "unicode_domain"}},
		{"qq.com", []string{"domain", "endpoints", "notes", "provider", "query", "unicode_domain"}},
	} {
		s, err := mailsettings.Lookup(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var top map[string]any
		if err := json.Unmarshal(b, &top); err != nil {
			t.Fatal(err)
		}
		if got := keys(top); !slices.Equal(got, tt.want) {
			t.Errorf("%s: JSON keys %v, want %v", tt.in, got, tt.want)
		}
		for _, e := range top["endpoints"].([]any) {
			if got, want := keys(e.(map[string]any)), []string{"encryption", "evidence", "host", "port", "protocol", "username", "username_form"}; !slices.Equal(got, want) {
				t.Errorf("%s: endpoint keys %v, want %v", tt.in, got, want)
			}
		}
		for _, n := range top["notes"].([]any) {
			for k, v := range n.(map[string]any) {
				if !slices.Contains([]string{"kind", "text", "url"}, k) {
					t.Errorf("%s: unexpected note key %q", tt.in, k)
				}
				if k != "text" {
					continue
				}
				for lang := range v.(map[string]any) {
					if !slices.Contains([]string{"en", "zh-Hans", "zh-Hant"}, lang) {
						t.Errorf("%s: unexpected note language %q", tt.in, lang)
					}
				}
			}
		}
		for k := range top["provider"].(map[string]any) {
			if !slices.Contains([]string{"id", "name", "doc_url", "settings_url", "password", "imap_id", "oauth2", "source", "last_checked"}, k) {
				t.Errorf("%s: unexpected provider key %q", tt.in, k)
			}
		}
	}
	// A failed lookup still marshals, with empty endpoints and notes.
	s, _ := mailsettings.Lookup("example.com")
	b, _ := json.Marshal(s)
	if want := `{"query":"example.com","domain":"example.com","unicode_domain":"example.com","provider":null,"endpoints":[],"notes":[]}`; string(b) != want {
		t.Errorf("JSON for an unknown domain = %s, want %s", b, want)
	}
}

// TestInfoIsACopy: nothing reachable from Provider.Info, Provider.OAuth2 or
// Settings.Notes aliases the shared table.
func TestInfoIsACopy(t *testing.T) {
	for _, d := range []string{"gmail.com", "outlook.com", "163.com"} {
		s, err := mailsettings.Lookup(d)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := json.Marshal(s.Provider.Info())
		i := s.Provider.Info()
		for k := range i.Notes {
			i.Notes[k].Text, i.Notes[k].URL = mailsettings.NewText("evil"), "https://evil.example"
		}
		if i.OAuth2 != nil {
			i.OAuth2.Issuer = "evil.example"
			i.OAuth2.Scopes[0] = "evil"
		}
		for k := range i.Endpoints {
			i.Endpoints[k].Port = 1
		}
		n := s.Notes()
		n[0].Text = n[0].Text.With("zh-Hans", "evil")
		again, _ := mailsettings.Lookup(d)
		after, _ := json.Marshal(again.Provider.Info())
		if string(before) != string(after) {
			t.Errorf("%s: a caller changed the shared provider:\n%s\n%s", d, before, after)
		}
	}
}

// lookupSeeds are inputs for FuzzLookup: valid and invalid addresses and
// domains in the forms users type.
var lookupSeeds = []string{
	"alice@qq.com", "QQ.COM.", " qq.com ", "例子.中国", "例子。中国", "ＱＱ．ＣＯＭ", "xn--fsqu00a.xn--fiqs8s",
	"", "@", "a@b@qq.com", `"a@b"@qq.com`, "qq..com", "127.0.0.1", "[::1]", "qq.com:993", "http://qq.com",
	"*.qq.com", "xn--zz.com", "xn--qq-.com", "q\u200Dq.com", "a\u05D0.com", "qq.cοm", "qq.com\x00",
	"ab--cd.com", strings.Repeat("a.", 130) + "com", "用户@例子.中国", "Straße.de", "\u00df.com",
}

// FuzzLookup checks Lookup itself, whose fast path skips parseQuery: it
// never panics; every error wraps exactly one of the two sentinels; the
// result agrees with the general path; and looking up the normalized
// domain, its U-label form or the normalized address gives the same answer.
func FuzzLookup(f *testing.F) {
	for _, s := range lookupSeeds {
		f.Add(s)
	}
	for _, s := range []string{"qq.com", "alice@gmx.net", "a@b@qq.com", "@qq.com", "\"x\"@qq.com", "alice@qq.com.", "x@hotmail.co.uk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := mailsettings.Lookup(in)
		invalid, unknown := errors.Is(err, mailsettings.ErrInvalidInput), errors.Is(err, mailsettings.ErrUnknownDomain)
		switch {
		case err != nil && invalid == unknown:
			t.Fatalf("Lookup(%q) error %v wraps %v of the sentinels", in, err, map[bool]string{true: "both", false: "neither"}[invalid])
		case invalid:
			if !s.Provider.IsZero() || s.Domain != "" {
				t.Fatalf("Lookup(%q) = %+v with an invalid-input error", in, s)
			}
			return
		case unknown != (s.Provider.IsZero()):
			t.Fatalf("Lookup(%q) = provider %v, error %v", in, s.Provider, err)
		}
		q, qerr := address.Parse(in)
		if qerr != nil || q.Domain != s.Domain || q.Unicode != s.UnicodeDomain || q.Local != s.LocalPart {
			t.Fatalf("Lookup(%q) = %q %q %q, address.Parse = %+v, %v", in, s.LocalPart, s.Domain, s.UnicodeDomain, q, qerr)
		}
		for _, again := range []string{s.Domain, s.UnicodeDomain, s.Address()} {
			if again == "" {
				continue
			}
			a, err := mailsettings.Lookup(again)
			if a.Domain != s.Domain || a.Provider != s.Provider || errors.Is(err, mailsettings.ErrInvalidInput) {
				t.Fatalf("Lookup(%q) = %q %v, but Lookup(%q) = %q %v, %v", in, s.Domain, s.Provider, again, a.Domain, a.Provider, err)
			}
		}
	})
}

// TestDiscoverSameInputRules: Discover reads its input with Lookup's
// rules, pasted forms and refusals alike, before any I/O.
func TestDiscoverSameInputRules(t *testing.T) {
	disc, err := mailsettings.Discover(context.Background(), "Alice <alice@qq.com>")
	if err != nil || disc.LocalPart != "alice" || disc.Domain != "qq.com" {
		t.Errorf("Discover(Alice <alice@qq.com>) = %+v, %v", disc, err)
	}
	if _, err := mailsettings.Discover(context.Background(), "al..ice@example.com"); !errors.Is(err, mailsettings.ErrInvalidInput) {
		t.Errorf("Discover(al..ice@example.com) error = %v, want ErrInvalidInput", err)
	}
}

// noteKinds are the kinds of note the package defines.
var noteKinds = []mailsettings.NoteKind{mailsettings.NotePassword, mailsettings.NoteEnable, mailsettings.NoteIMAPID,
	mailsettings.NoteCertificate, mailsettings.NotePlaintext, mailsettings.NoteGeneral}
