package db_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/db"
	"golang.org/x/net/publicsuffix"
)

// The data tests check the generated database through the API of
// mailsettings, which builds its table from this package.

func providers(t *testing.T) []mailsettings.Provider {
	t.Helper()
	var out []mailsettings.Provider
	for p := range mailsettings.Providers() {
		out = append(out, p)
	}
	if len(out) != len(db.Providers) {
		t.Fatalf("mailsettings lists %d providers, the data has %d", len(out), len(db.Providers))
	}
	return out
}

var datePattern = regexp.MustCompile(`^\d{4}-\d\d(-\d\d)?$`)

// TestDataEvidence: every endpoint has a level, at least one source and a
// date.
func TestDataEvidence(t *testing.T) {
	levels := map[mailsettings.Evidence]int{}
	for _, p := range providers(t) {
		for _, e := range p.Info().Endpoints {
			f, ok := p.Evidence(e)
			switch {
			case !ok || f.Level < mailsettings.EvidenceReported || f.Level > mailsettings.EvidenceOfficial:
				t.Errorf("%s: %v has no evidence level", p.Info().ID, e)
			case len(f.Sources) == 0 || slices.Contains(f.Sources, ""):
				t.Errorf("%s: %v has no source", p.Info().ID, e)
			case !datePattern.MatchString(f.Checked):
				t.Errorf("%s: %v has no date (%q)", p.Info().ID, e, f.Checked)
			}
			levels[f.Level]++
		}
	}
	t.Logf("endpoints by level: %v", levels)
	for l := mailsettings.EvidenceReported; l <= mailsettings.EvidenceOfficial; l++ {
		if levels[l] == 0 {
			t.Errorf("no endpoint at level %v", l)
		}
	}
}

// hostDomains returns the registrable domains a reported-only endpoint of
// p may lie inside: those of its mail domains, of its help page and of its
// MX patterns.
func hostDomains(p mailsettings.Provider) []string {
	var out []string
	add := func(h string) {
		if r, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
			out = append(out, r)
		}
	}
	for _, d := range p.Info().Domains {
		add(d)
	}
	if u, err := url.Parse(p.Info().DocURL); err == nil && u.Scheme == "https" {
		add(u.Hostname())
	}
	for _, r := range db.MXRules {
		if r.Provider == p.Info().ID {
			add(strings.TrimPrefix(r.Pattern, "*."))
		}
	}
	return out
}

// TestDataReportedOnlyInside: an endpoint that rests on one report is
// encrypted and lies inside the provider's own domain.
func TestDataReportedOnlyInside(t *testing.T) {
	n := 0
	for _, p := range providers(t) {
		allowed := hostDomains(p)
		for _, e := range p.Info().Endpoints {
			if f, _ := p.Evidence(e); f.Level != mailsettings.EvidenceReported {
				continue
			}
			n++
			if e.Encryption == mailsettings.Plaintext {
				t.Errorf("%s: reported-only endpoint %v is plaintext", p.Info().ID, e)
			}
			if !slices.ContainsFunc(allowed, func(d string) bool { return e.Host == d || strings.HasSuffix(e.Host, "."+d) }) {
				t.Errorf("%s: reported-only endpoint %v lies outside %v", p.Info().ID, e, allowed)
			}
		}
	}
	if n == 0 {
		t.Error("no reported endpoint: the rule is not exercised")
	}
}

// TestDataMXRules: every MX pattern finds its provider, and the domain an
// "*.suffix" pattern names (an MX lookup key of the ISPDB, such as
// kundenserver.de) is not a mail domain.
func TestDataMXRules(t *testing.T) {
	for _, r := range db.MXRules {
		host := r.Pattern
		if s, ok := strings.CutPrefix(r.Pattern, "*."); ok {
			host = "mx-test." + s
			if _, err := mailsettings.Lookup(s); err == nil {
				t.Errorf("MX key %s is also a mail domain", s)
			}
		}
		if p, ok := mailsettings.ProviderForMX(host); !ok || p.Info().ID != r.Provider {
			t.Errorf("ProviderForMX(%q) = %q, %v; want %s", host, p.Info().ID, ok, r.Provider)
		}
	}
	for _, want := range []string{"*.kundenserver.de", "*.rzone.de", "*.secureserver.net", "*.ispgateway.de", "*.am0.yahoodns.net", "*.mail.protection.outlook.com", "*.google.com"} {
		if !slices.ContainsFunc(db.MXRules, func(r db.MXRule) bool { return r.Pattern == want }) {
			t.Errorf("no MX rule %s", want)
		}
	}
}

// cnDomains returns the mail domains of Chinese-language providers: those
// with a name in Chinese.
func cnDomains() []string {
	var out []string
	for d, p := range mailsettings.Domains() {
		if p.NameIn("zh-Hans") != p.Info().Name {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// TestDataChineseLanguageDomains: the domains of the providers of
// Chinese-speaking users resolve, at least 35 of them. A few are known
// without settings (a closed service, or one whose ports no source states):
// then a note says so in English and Chinese.
func TestDataChineseLanguageDomains(t *testing.T) {
	got := cnDomains()
	var bare []string
	for _, d := range got {
		if s, _ := mailsettings.Lookup(d); len(s.Endpoints()) == 0 {
			bare = append(bare, d)
		}
	}
	t.Logf("%d domains of Chinese-language providers, %d of them without settings %v: %v", len(got), len(bare), bare, got)
	if len(got) < 35 || len(got)-len(bare) < 25 {
		t.Errorf("%d domains of Chinese-language providers (%d with settings), want at least 35 (25)", len(got), len(got)-len(bare))
	}
	for _, d := range []string{"qq.com", "foxmail.com", "vip.qq.com", "163.com", "126.com", "yeah.net", "aliyun.com",
		"sina.com", "sina.cn", "vip.sina.com", "sohu.com", "vip.sohu.com", "139.com", "189.cn", "wo.cn", "21cn.com",
		"tom.com", "263.net", "vip.188.com", "yahoo.com.tw", "yahoo.com.hk", "hinet.net", "netvigator.com"} {
		s, err := mailsettings.Lookup("alice@" + d)
		if err != nil {
			t.Errorf("Lookup(alice@%s): %v", d, err)
			continue
		}
		if len(s.Endpoints()) == 0 && len(s.Notes()) == 0 {
			t.Errorf("%s: neither endpoints nor a note saying why", d)
		}
		for _, n := range s.Notes() {
			if zh := exactText(n.Text, "zh-Hans"); n.Text.String() == "" || zh == "" {
				t.Errorf("%s: note without English or Chinese: %+v", d, n)
			}
		}
		if s.Provider.NameIn("zh") == s.Provider.Info().Name {
			t.Errorf("%s: %s has no Chinese name", d, s.Provider.Info().Name)
		}
	}
}

// TestDataBigProviderNotes: the big providers that need an app password,
// an authorization code or IMAP switched on say so, in English and
// Chinese.
func TestDataBigProviderNotes(t *testing.T) {
	for _, d := range []string{"icloud.com", "yahoo.com", "aol.com", "mail.ru", "zoho.com", "yandex.ru", "gmx.net", "gmx.com", "web.de",
		"qq.com", "163.com", "sina.com", "139.com", "189.cn"} {
		s, err := mailsettings.Lookup(d)
		if err != nil {
			t.Errorf("Lookup(%s): %v", d, err)
			continue
		}
		if !slices.ContainsFunc(s.Notes(), func(n mailsettings.Note) bool {
			zh := exactText(n.Text, "zh-Hans")
			return (n.Kind == mailsettings.NotePassword || n.Kind == mailsettings.NoteEnable) && n.Text.String() != "" && zh != ""
		}) {
			t.Errorf("%s: no password or enable note in English and Chinese: %+v", d, s.Notes())
		}
	}
}

// TestDataCoverage: domains the issue found missing are served.
func TestDataCoverage(t *testing.T) {
	for in, want := range map[string]string{
		"alice@mailbox.org": "imap.mailbox.org", "alice@secure.mailbox.org": "imap.mailbox.org",
		"alice@purelymail.com": "imap.purelymail.com", "alice@posteo.af": "posteo.de", "alice@email.de": "imap.web.de",
		"alice@lenta.ru": "imap.rambler.ru", "alice@contoso.onmicrosoft.com": "outlook.office365.com",
		"alice@yahoo.co.jp": "imap.mail.yahoo.co.jp",
	} {
		s, err := mailsettings.Lookup(in)
		if err != nil {
			t.Errorf("Lookup(%s): %v", in, err)
			continue
		}
		if e, ok := s.Best(mailsettings.IMAP); !ok || e.Host != want {
			t.Errorf("Lookup(%s): IMAP %v, want %s", in, e, want)
		}
	}
}

// unusualEndpoint reports whether e pairs its port and encryption against
// convention (RFC 8314): implicit TLS on 587, 143, 110 or 25, STARTTLS or
// plaintext on 465, 993 or 995, or a protocol on another protocol's port.
func unusualEndpoint(e mailsettings.ServerEndpoint) bool {
	switch e.Port {
	case 587, 143, 110, 25:
		if e.Encryption == mailsettings.ImplicitTLS {
			return true
		}
	case 465, 993, 995:
		if e.Encryption != mailsettings.ImplicitTLS {
			return true
		}
	}
	switch e.Port {
	case 143, 993:
		return e.Protocol != mailsettings.IMAP
	case 110, 995:
		return e.Protocol != mailsettings.POP3
	case 25, 465, 587:
		return e.Protocol != mailsettings.SMTP
	}
	return false
}

// verifiedUnusual lists the unusual endpoints kept because a source
// confirms them, with that source.
var verifiedUnusual = map[string]string{
	"SMTP mobile.charter.net:587 implicit TLS": "Thunderbird ISPDB charter.net.xml (\"Yes, they have SSL (not STARTTLS, not plain SMTP) on port 587. Spec violation.\") and FairEmail providers.xml (\"Unusual, but no STARTTLS at port 587\")",
}

// TestDataUnusualEndpoints: every unusual port and encryption pairing has
// a source that confirms it, and the list of them holds nothing stale.
func TestDataUnusualEndpoints(t *testing.T) {
	used := map[string]bool{}
	for _, p := range providers(t) {
		for _, e := range p.Info().Endpoints {
			if !unusualEndpoint(e) {
				continue
			}
			if verifiedUnusual[e.String()] == "" {
				t.Errorf("%s: unusual endpoint %v is neither fixed nor verified", p.Info().ID, e)
			}
			used[e.String()] = true
		}
	}
	for e := range verifiedUnusual {
		if !used[e] {
			t.Errorf("verified endpoint %v is not in the table", e)
		}
	}
	ep := func(p mailsettings.Protocol, port uint16, enc mailsettings.Encryption) mailsettings.ServerEndpoint {
		return mailsettings.ServerEndpoint{Protocol: p, Host: "x.example", Port: port, Encryption: enc, Username: mailsettings.UsernameAddress}
	}
	for _, tt := range []struct {
		e    mailsettings.ServerEndpoint
		want bool
	}{
		{ep(mailsettings.SMTP, 587, mailsettings.ImplicitTLS), true},
		{ep(mailsettings.SMTP, 465, mailsettings.STARTTLS), true},
		{ep(mailsettings.IMAP, 993, mailsettings.Plaintext), true},
		{ep(mailsettings.POP3, 993, mailsettings.ImplicitTLS), true},
		{ep(mailsettings.IMAP, 587, mailsettings.STARTTLS), true},
		{ep(mailsettings.SMTP, 587, mailsettings.STARTTLS), false},
		{ep(mailsettings.SMTP, 994, mailsettings.ImplicitTLS), false},
		{ep(mailsettings.POP3, 110, mailsettings.Plaintext), false},
	} {
		if got := unusualEndpoint(tt.e); got != tt.want {
			t.Errorf("unusualEndpoint(%v) = %v, want %v", tt.e, got, tt.want)
		}
	}
}

// TestDataNoPlaceholders: no string in the data holds an autoconfig
// placeholder; usernames are the typed UsernameForm values.
func TestDataNoPlaceholders(t *testing.T) {
	for _, p := range providers(t) {
		i := p.Info()
		zhName := exactText(i.Names, "zh-Hans")
		fields := []string{i.ID, i.Name, i.DocURL, i.SettingsURL, i.Source, i.LastChecked, zhName}
		fields = append(fields, i.Domains...)
		for _, e := range i.Endpoints {
			fields = append(fields, e.Host)
			if e.Validate() != nil {
				t.Errorf("%s: endpoint %v has no username form", i.ID, e)
			}
		}
		for _, n := range i.Notes {
			zh := exactText(n.Text, "zh-Hans")
			zht := exactText(n.Text, "zh-Hant")
			fields = append(fields, n.Text.String(), zh, zht, n.URL)
		}
		if o := i.OAuth2; o != nil {
			fields = append(fields, o.Issuer, o.AuthURL, o.TokenURL)
			fields = append(fields, o.Scopes...)
		}
		for _, f := range fields {
			if strings.Contains(f, "%EMAIL") || strings.Contains(f, "%25EMAIL") {
				t.Errorf("%s: placeholder in %q", i.ID, f)
			}
		}
	}
}

// TestDataTexts: every text of the data is clean (no control or bidi
// characters) and every URL is https, except the ISPDB's own http
// documentation links, which only DocURL and SettingsURL may carry.
func TestDataTexts(t *testing.T) {
	bad := regexp.MustCompile("[\x00-\x1f\x7f\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
	for _, p := range db.Providers {
		texts := []string{p.ID, p.Name, p.NameHans, p.NameHant, p.Source}
		for _, n := range p.Notes {
			texts = append(texts, n.Text.En, n.Text.Hans, n.Text.Hant)
			if n.URL != "" && !strings.HasPrefix(n.URL, "https://") && n.Stock == 0 {
				t.Errorf("%s: note URL %q is not https", p.ID, n.URL)
			}
		}
		for _, s := range texts {
			if bad.MatchString(s) {
				t.Errorf("%s: text %q holds a control or bidi character", p.ID, s)
			}
		}
	}
}

// exactText returns the text t holds for the BCP 47 tag, without falling
// back to another language, read from its JSON form.
func exactText(t mailsettings.Text, tag string) string {
	var m map[string]string
	if b, err := json.Marshal(t); err != nil || json.Unmarshal(b, &m) != nil {
		panic(fmt.Sprint("text JSON: ", err))
	}
	return m[tag]
}
