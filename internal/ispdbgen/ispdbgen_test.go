package ispdbgen

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

const sample = "../../testdata/ispdb-sample"

func TestGenerateSample(t *testing.T) {
	a, err := Generate(sample)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(sample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Source, b.Source) {
		t.Error("two runs over the same folder gave different output")
	}
	if !regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`).Match(a.Source) {
		t.Error("no canonical generated-code header")
	}
	for _, want := range []string{"Mozilla Public\n// License, v. 2.0", "c6ad79659b5fc321d1593ec4c277815b83e5dec5", `const ispdbCommit = "c6ad796"`} {
		if !bytes.Contains(a.Source, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "ispdb_gen.go", a.Source, 0); err != nil {
		t.Errorf("output does not parse: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(sample, "*.xml"))
	if a.Files != len(files) {
		t.Errorf("Files = %d, want %d", a.Files, len(files))
	}
	// office365.com.xml has ews/owa/graph/exchange entries, which the
	// format this package serves cannot carry; each must be reported.
	var office []string
	for _, d := range a.Dropped {
		if d.File == "office365.com.xml" {
			office = append(office, d.Entry)
		}
		if d.Reason == "" {
			t.Errorf("drop without a reason: %v", d)
		}
	}
	if len(office) != 4 {
		t.Errorf("office365.com.xml drops = %q, want the ews, owa, graph and exchange entries", office)
	}
	if len(a.Fixed) != 1 || a.Fixed[0].File != "office365.com.xml" {
		t.Errorf("Fixed = %+v, want the office365.com.xml placeholder fix", a.Fixed)
	}
	if bytes.Contains(a.Source, []byte("%EMAIL")) {
		t.Error("output contains an autoconfig placeholder")
	}
	// mx1.tiki.ne.jp.xml names its hosts %EMAILDOMAIN%: one provider per
	// domain, with the domain substituted.
	i := slices.IndexFunc(a.Infos, func(p mailsettings.ProviderInfo) bool { return p.ID == "ispdb:mx1.tiki.ne.jp/mx2.tiki.ne.jp" })
	if i < 0 || !slices.Contains(a.Infos[i].Endpoints, mailsettings.ServerEndpoint{
		Protocol: mailsettings.POP3, Host: "mx2.tiki.ne.jp", Port: 110,
		Encryption: mailsettings.Plaintext, Username: mailsettings.UsernameLocalPart,
	}) {
		t.Error("per-domain provider for mx2.tiki.ne.jp (mx1.tiki.ne.jp.xml) is missing")
	}
	if !strings.Contains(a.Data, "ispdb:mx1.tiki.ne.jp/mx2.tiki.ne.jp\t") ||
		!bytes.Contains(a.Source, []byte(`"ispdb:mx1.tiki.ne.jp/mx2.tiki.ne.jp\t`)) {
		t.Error("mx2.tiki.ne.jp is not in the encoded data or the source")
	}
	if a.Providers != len(a.Infos) || strings.Count(a.Data, "\n") != a.Providers {
		t.Errorf("Providers = %d, %d infos, %d lines", a.Providers, len(a.Infos), strings.Count(a.Data, "\n"))
	}
}

func TestGenerateErrors(t *testing.T) {
	if _, err := Generate(t.TempDir()); err == nil {
		t.Error("Generate(empty folder) succeeded")
	}
	// A fix that no longer applies must stop the generator.
	dir := t.TempDir()
	stale := `<clientConfig version="1.1"><emailProvider id="office365.com"><domain>office365.com</domain>` +
		`<incomingServer type="imap"><hostname>outlook.office365.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>` +
		`</emailProvider></clientConfig>`
	if err := os.WriteFile(filepath.Join(dir, "office365.com.xml"), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(dir); err == nil || !strings.Contains(err.Error(), "no longer applies") {
		t.Errorf("Generate with a stale fix = %v, want an error", err)
	}
	// A file with no usable server is reported, not fatal.
	dir = t.TempDir()
	bad := `<clientConfig version="1.1"><emailProvider id="x.example"><domain>x.example</domain>` +
		`<incomingServer type="imap"><hostname>%EMAILLOCALPART%.x.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>` +
		`</emailProvider></clientConfig>`
	good := strings.ReplaceAll(strings.ReplaceAll(bad, "%EMAILLOCALPART%.", "imap."), "x.example", "y.example")
	os.WriteFile(filepath.Join(dir, "x.example.xml"), []byte(bad), 0o644)
	os.WriteFile(filepath.Join(dir, "y.example.xml"), []byte(good), 0o644)
	res, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Providers != 1 || res.Commit != "unknown" {
		t.Errorf("Providers, Commit = %d, %q; want 1, unknown", res.Providers, res.Commit)
	}
	var whole bool
	for _, d := range res.Dropped {
		whole = whole || d.File == "x.example.xml" && d.Entry == "file"
	}
	if !whole {
		t.Errorf("Dropped = %v, want x.example.xml reported as a whole", res.Dropped)
	}
}

func TestDuplicateDomainFirstFileWins(t *testing.T) {
	dir := t.TempDir()
	doc := func(id, host string) string {
		return `<clientConfig version="1.1"><emailProvider id="` + id + `"><domain>shared.example</domain><domain>` + id + `</domain>` +
			`<incomingServer type="imap"><hostname>` + host + `</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>` +
			`</emailProvider></clientConfig>`
	}
	os.WriteFile(filepath.Join(dir, "b.example.xml"), []byte(doc("b.example", "imap.b.example")), 0o644)
	os.WriteFile(filepath.Join(dir, "a.example.xml"), []byte(doc("a.example", "imap.a.example")), 0o644)
	res, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Domains != 3 || len(res.Dropped) != 1 || res.Dropped[0].File != "b.example.xml" {
		t.Errorf("Domains = %d, Dropped = %v; want 3 and shared.example dropped from b.example.xml", res.Domains, res.Dropped)
	}
}

func TestEncode(t *testing.T) {
	ep := func(p mailsettings.Protocol, host string, port uint16, e mailsettings.Encryption, u mailsettings.UsernameForm) mailsettings.ServerEndpoint {
		return mailsettings.ServerEndpoint{Protocol: p, Host: host, Port: port, Encryption: e, Username: u}
	}
	good := mailsettings.ProviderInfo{
		ID: "ispdb:x.example/y.example", Name: "X Mail", Domains: []string{"y.example"},
		Endpoints: []mailsettings.ServerEndpoint{
			ep(mailsettings.IMAP, "mail.x.example", 993, mailsettings.ImplicitTLS, mailsettings.UsernameAddress),
			ep(mailsettings.POP3, "mail.x.example", 110, mailsettings.Plaintext, mailsettings.UsernameLocalPart),
			ep(mailsettings.SMTP, "smtp.x.example", 587, mailsettings.STARTTLS, mailsettings.UsernameLocalPartDotDomain),
		},
		Source: "Thunderbird ISPDB x.example.xml",
	}
	got, err := Encode([]mailsettings.ProviderInfo{good})
	want := "ispdb:x.example/y.example\tX Mail\ty.example\tita:mail.x.example:993 ppl::110 ssd:smtp.x.example:587\n"
	if err != nil || got != want {
		t.Errorf("Encode = %q, %v; want %q", got, err, want)
	}
	full := good
	full.DocURL, full.SettingsURL = "https://x.example/help", "https://x.example/settings"
	full.Password, full.IMAPID = mailsettings.PasswordOAuth2Only, true
	full.OAuth2 = &mailsettings.OAuth2{Issuer: "x.example", Scopes: []string{"a", "b"}, AuthURL: "https://x.example/a", TokenURL: "https://x.example/t"}
	got, err = Encode([]mailsettings.ProviderInfo{full})
	want = "ispdb:x.example/y.example\tX Mail\ty.example\tita:mail.x.example:993 ppl::110 ssd:smtp.x.example:587" +
		"\thttps://x.example/help\t\thttps://x.example/settings\toauth2-only\t1\tx.example\ta b\thttps://x.example/a\thttps://x.example/t\n"
	if err != nil || got != want {
		t.Errorf("Encode = %q, %v; want %q", got, err, want)
	}
	for name, change := range map[string]func(*mailsettings.ProviderInfo){
		"no prefix":       func(p *mailsettings.ProviderInfo) { p.ID = "x.example" },
		"other source":    func(p *mailsettings.ProviderInfo) { p.Source = "Thunderbird ISPDB y.example.xml" },
		"no name":         func(p *mailsettings.ProviderInfo) { p.Name = "" },
		"tab in name":     func(p *mailsettings.ProviderInfo) { p.Name = "X\tMail" },
		"newline in URL":  func(p *mailsettings.ProviderInfo) { p.DocURL = "https://x.example/\n" },
		"space in domain": func(p *mailsettings.ProviderInfo) { p.Domains = []string{"y. example"} },
		"no domains":      func(p *mailsettings.ProviderInfo) { p.Domains = nil },
		"no endpoints":    func(p *mailsettings.ProviderInfo) { p.Endpoints = nil },
		"bad endpoint": func(p *mailsettings.ProviderInfo) {
			p.Endpoints = []mailsettings.ServerEndpoint{{Host: "x.example", Port: 1}}
		},
		"checked":        func(p *mailsettings.ProviderInfo) { p.LastChecked = "2026-01-01" },
		"issuer missing": func(p *mailsettings.ProviderInfo) { p.OAuth2 = &mailsettings.OAuth2{AuthURL: "https://x.example/a"} },
		"general note": func(p *mailsettings.ProviderInfo) {
			p.Notes = []mailsettings.Note{{Kind: mailsettings.NoteGeneral, Text: mailsettings.NewText("x")}}
		},
		"space in note URL": func(p *mailsettings.ProviderInfo) {
			p.Notes = []mailsettings.Note{{Kind: mailsettings.NoteEnable, URL: "https://x.example/a b"}}
		},
	} {
		p := good
		p.Domains = slices.Clone(good.Domains)
		change(&p)
		if got, err := Encode([]mailsettings.ProviderInfo{p}); err == nil {
			t.Errorf("%s: Encode = %q, want an error", name, got)
		}
	}
}
