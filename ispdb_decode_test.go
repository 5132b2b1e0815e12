package mailsettings

import (
	"reflect"
	"strings"
	"testing"
)

const goodISPDBLine = "ispdb:x.example/y.example\tX Mail\ty.example z.example\tita:mail.x.example:993 ppl::110 ssd:smtp.x.example:587" +
	"\thttps://x.example/help\tp ehttps://x.example/on\thttps://x.example/on\toauth2-only\t1\tx.example\ta b\thttps://x.example/a\thttps://x.example/t\n"

func TestDecodeISPDB(t *testing.T) {
	got, err := decodeISPDB(goodISPDBLine + "ispdb:w.example\tW\tw.example\tita:w.example:993 sta::465\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []ProviderInfo{{
		ID: "ispdb:x.example/y.example", Name: "X Mail", Domains: []string{"y.example", "z.example"},
		Endpoints: []ServerEndpoint{
			ep(IMAP, "mail.x.example", 993, ImplicitTLS, addr),
			ep(POP3, "mail.x.example", 110, Plaintext, UsernameLocalPart),
			ep(SMTP, "smtp.x.example", 587, STARTTLS, UsernameLocalPartDotDomain),
		},
		DocURL: "https://x.example/help", SettingsURL: "https://x.example/on",
		Password: PasswordOAuth2Only, IMAPID: true,
		OAuth2: &OAuth2{Issuer: "x.example", Scopes: []string{"a", "b"}, AuthURL: "https://x.example/a", TokenURL: "https://x.example/t"},
		Notes:  []Note{plaintextNote(), enableNote("https://x.example/on")},
		Source: "Thunderbird ISPDB x.example.xml",
	}, {
		ID: "ispdb:w.example", Name: "W", Domains: []string{"w.example"},
		Endpoints: []ServerEndpoint{ep(IMAP, "w.example", 993, ImplicitTLS, addr), ep(SMTP, "w.example", 465, ImplicitTLS, addr)},
		Source:    "Thunderbird ISPDB w.example.xml",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decodeISPDB =\n%+v\nwant\n%+v", got, want)
	}
	if got, err := decodeISPDB(""); err != nil || len(got) != 0 {
		t.Errorf("decodeISPDB(\"\") = %v, %v", got, err)
	}
}

func TestDecodeISPDBErrors(t *testing.T) {
	line := strings.TrimSuffix(goodISPDBLine, "\n")
	f := strings.Split(line, "\t")
	with := func(i int, v string) string {
		g := append([]string(nil), f...)
		g[i] = v
		return strings.Join(g, "\t") + "\n"
	}
	for name, data := range map[string]string{
		"no final newline":   line,
		"too many fields":    line + "\tx\n",
		"only an id":         "ispdb:x.example\n",
		"empty line":         "\n",
		"no prefix":          with(0, "x.example"),
		"no file":            with(0, "ispdb:/y.example"),
		"no name":            with(1, ""),
		"no domains":         with(2, ""),
		"empty domain":       with(2, "y.example  z.example"),
		"no endpoints":       with(3, ""),
		"short endpoint":     with(3, "ita"),
		"no colon":           with(3, "ita.x.example:993"),
		"bad protocol":       with(3, "xta:x.example:993"),
		"bad encryption":     with(3, "ixa:x.example:993"),
		"bad username":       with(3, "itx:x.example:993"),
		"no port":            with(3, "ita:x.example"),
		"empty port":         with(3, "ita:x.example:"),
		"port 0":             with(3, "ita:x.example:0"),
		"port too large":     with(3, "ita:x.example:65536"),
		"signed port":        with(3, "ita:x.example:+993"),
		"first host empty":   with(3, "ita::993"),
		"bad note":           with(5, "x"),
		"empty note":         with(5, "p "),
		"bad password":       with(7, "unknown"),
		"bad IMAP ID":        with(8, "true"),
		"scopes, no issuer":  with(9, ""),
		"empty scope":        with(10, " a"),
		"bad second line":    goodISPDBLine + "ispdb:w.example\tW\n",
		"trailing tab+field": strings.Replace(goodISPDBLine, "\tX Mail", "\tX Mail\t\t\t\t\t\t\t\t\t\t\t\t", 1),
	} {
		got, err := decodeISPDB(data)
		if err == nil || got != nil {
			t.Errorf("%s: decodeISPDB = %+v, %v; want an error and nothing", name, got, err)
		}
	}
}

// FuzzDecodeISPDB: no input makes the decoder panic, and what it accepts
// has the fields that the table needs.
func FuzzDecodeISPDB(f *testing.F) {
	f.Add(goodISPDBLine)
	f.Add(ispdbData[:strings.IndexByte(ispdbData, '\n')+1])
	f.Add("ispdb:a\tA\ta\tita::1\n")
	f.Fuzz(func(t *testing.T, data string) {
		infos, err := decodeISPDB(data)
		if err != nil {
			return
		}
		for _, i := range infos {
			if !strings.HasPrefix(i.ID, "ispdb:") || i.Name == "" || len(i.Domains) == 0 || len(i.Endpoints) == 0 {
				t.Errorf("accepted incomplete provider %+v", i)
			}
			for _, e := range i.Endpoints {
				if e.Host == "" || e.Port == 0 || !e.Protocol.Valid() || !e.Encryption.Valid() || !e.Username.Valid() {
					t.Errorf("accepted bad endpoint %+v", e)
				}
			}
		}
	})
}

// TestBuildTableBadISPDB: data that does not decode leaves the ISPDB layer
// out and is reported in t.err; the other layers still work.
func TestBuildTableBadISPDB(t *testing.T) {
	tab := buildTableWith(ispdbData[:len(ispdbData)-1]) // no final newline
	if tab.err == nil || !strings.Contains(tab.err.Error(), "ISPDB data") {
		t.Errorf("err = %v, want the decode error", tab.err)
	}
	if tab.byDomain["qq.com"].IsZero() || tab.byID["google-workspace"].IsZero() {
		t.Error("curated or hosted layer missing")
	}
	for _, p := range tab.providers {
		if strings.HasPrefix(p.info.ID, "ispdb:") {
			t.Fatalf("ISPDB provider %s kept from undecodable data", p.info.ID)
		}
	}
	if good := buildTable(); good.err != nil || len(good.byDomain) <= len(tab.byDomain) {
		t.Errorf("built-in table: err %v, %d domains (without ISPDB %d)", good.err, len(good.byDomain), len(tab.byDomain))
	}
}
