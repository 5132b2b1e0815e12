package autoconfigxml

import (
	"reflect"
	"strings"
	"testing"
)

func TestEncodeDecode(t *testing.T) {
	in := &Doc{
		ID: "x<y", Name: `A & B "mail"`, ShortName: "A&B", Domains: []string{"x.example", "y.example"},
		Servers: []Server{
			{Incoming: true, Type: "imap", Hostname: "imap.x.example", Port: "993", SocketType: SocketSSL, Username: "%EMAILADDRESS%", Authentication: []string{"password-cleartext"}},
			{Type: "smtp", Hostname: "smtp.x.example", Port: "587", SocketType: SocketSTARTTLS, Username: "%EMAILLOCALPART%", Authentication: []string{"OAuth2"}},
		},
		DocURL: "https://x.example/help?a=1&b=2", EnableURL: "https://x.example/enable",
		OAuth2: OAuth2{Issuer: "auth.x.example", Scopes: []string{"a", "b&c"}, AuthURL: "https://auth.x.example/a", TokenURL: "https://auth.x.example/t"},
	}
	b, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Decode(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v\n%s", out, in, b)
	}
}

func TestDecodeRefuses(t *testing.T) {
	for name, doc := range map[string]string{
		"doctype":   `<!DOCTYPE x [<!ENTITY a "b">]><clientConfig><emailProvider/></clientConfig>`,
		"root":      `<html/>`,
		"deep":      "<clientConfig>" + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + "</clientConfig>",
		"text":      "<clientConfig><emailProvider><displayName>" + strings.Repeat("a", MaxText+1) + "</displayName></emailProvider></clientConfig>",
		"size":      "<clientConfig>" + strings.Repeat(" ", MaxSize) + "</clientConfig>",
		"provider":  `<clientConfig version="1.1"/>`,
		"malformed": `<clientConfig><emailProvider></clientConfig>`,
	} {
		if _, err := Decode([]byte(doc)); err == nil {
			t.Errorf("%s: Decode succeeded", name)
		}
	}
}

func TestDecodeFirstProviderOnly(t *testing.T) {
	d, err := Decode([]byte(`<clientConfig><emailProvider id="a"><domain>a.example</domain></emailProvider><emailProvider id="b"><domain>b.example</domain><incomingServer type="imap"/></emailProvider></clientConfig>`))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "a" || !reflect.DeepEqual(d.Domains, []string{"a.example"}) || len(d.Servers) != 0 {
		t.Errorf("Decode = %+v, want the first provider only", d)
	}
}
