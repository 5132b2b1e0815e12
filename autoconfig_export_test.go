package mailsettings

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestAutoconfigRoundTripWholeTable exports every provider of the built-in
// table, parses the document back and compares every field the format
// carries (see MarshalAutoconfig).
func TestAutoconfigRoundTripWholeTable(t *testing.T) {
	tab := builtinTable()
	isISPDB := map[string]bool{}
	for _, p := range ispdbLayer(t) {
		isISPDB[p.ID] = true
	}
	for _, p := range tab.providers {
		want := p.Info()
		doc, err := p.MarshalAutoconfig()
		if err != nil {
			t.Errorf("%s: %v", want.ID, err)
			continue
		}
		var dropped []string
		got, err := AutoconfigParser{Dropped: func(e string, r error) { dropped = append(dropped, e+": "+r.Error()) }}.Parse(bytes.NewReader(doc))
		if err != nil {
			t.Errorf("%s: exported document does not parse: %v\n%s", want.ID, err, doc)
			continue
		}
		if dropped != nil {
			t.Errorf("%s: the parser dropped %q", want.ID, dropped)
		}
		if got.ID != want.ID || got.Name != want.Name || got.DocURL != want.DocURL || got.SettingsURL != want.SettingsURL {
			t.Errorf("%s: identity = %q %q %q %q, want %q %q %q %q", want.ID, got.ID, got.Name, got.DocURL, got.SettingsURL, want.ID, want.Name, want.DocURL, want.SettingsURL)
		}
		if !slices.Equal(got.Domains, want.Domains) {
			t.Errorf("%s: domains = %v, want %v", want.ID, got.Domains, want.Domains)
		}
		if !slices.Equal(got.Endpoints, want.Endpoints) {
			t.Errorf("%s: endpoints =\n%v\nwant\n%v", want.ID, got.Endpoints, want.Endpoints)
		}
		if !reflect.DeepEqual(got.OAuth2, want.OAuth2) {
			t.Errorf("%s: oauth2 = %+v, want %+v", want.ID, got.OAuth2, want.OAuth2)
		}
		wantPassword := PasswordUnknown
		if want.Password == PasswordOAuth2Only {
			wantPassword = PasswordOAuth2Only
		}
		if got.Password != wantPassword || got.IMAPID {
			t.Errorf("%s: password, IMAP ID = %v, %v; want %v, false", want.ID, got.Password, got.IMAPID, wantPassword)
		}
		// The parser derives the enable and plaintext notes; for ISPDB
		// records, which have no others, notes round-trip exactly.
		if isISPDB[want.ID] && !reflect.DeepEqual(got.Notes, want.Notes) {
			t.Errorf("%s: notes = %+v, want %+v", want.ID, got.Notes, want.Notes)
		}
	}
}

func TestMarshalAutoconfigEscapes(t *testing.T) {
	info := ProviderInfo{
		ID: "x<y", Name: `A & B "mail"`, Domains: []string{"x.example"},
		Endpoints:   []ServerEndpoint{ep(IMAP, "imap.x.example", 993, ImplicitTLS, UsernameLocalPartDotDomain), ep(SMTP, "smtp.x.example", 25, Plaintext, addr)},
		DocURL:      "https://x.example/help?a=1&b=</documentation>",
		SettingsURL: "https://x.example/s?x=1&y=2",
		Password:    PasswordOAuth2Only,
		OAuth2:      &OAuth2{Issuer: "auth.x.example", Scopes: []string{"a", "b&c"}},
	}
	doc, err := MarshalAutoconfig(info)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseAutoconfig(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if got.ID != info.ID || got.Name != info.Name || got.DocURL != info.DocURL || got.SettingsURL != info.SettingsURL ||
		got.Password != PasswordOAuth2Only || !reflect.DeepEqual(got.OAuth2, info.OAuth2) {
		t.Errorf("round trip = %+v\n%s", got, doc)
	}
	if len(got.Notes) != 2 || got.Notes[1].Kind != NotePlaintext {
		t.Errorf("notes = %+v, want enable and plaintext", got.Notes)
	}
	if !strings.Contains(string(doc), "<username>%EMAILLOCALPART%.%EMAILDOMAIN%</username>") {
		t.Errorf("username placeholder not written:\n%s", doc)
	}
}

func TestMarshalAutoconfigRejectsInvalid(t *testing.T) {
	for _, info := range []ProviderInfo{
		{ID: "x", Name: "X"}, // no endpoints
		{ID: "x", Name: "X", Endpoints: []ServerEndpoint{ep(IMAP, "imap.x.example", 0, ImplicitTLS, addr)}},
		{ID: "x", Name: "X", Endpoints: []ServerEndpoint{ep(IMAP, "bad host", 993, ImplicitTLS, addr)}},
		{ID: "x", Name: "X", Endpoints: []ServerEndpoint{{Protocol: IMAP, Host: "imap.x.example", Port: 993, Username: addr}}},
	} {
		if _, err := MarshalAutoconfig(info); err == nil {
			t.Errorf("MarshalAutoconfig(%+v) succeeded", info)
		} else if errors.Is(err, ErrAutoconfig) {
			t.Errorf("error %v wraps ErrAutoconfig, which is for parsing", err)
		}
	}
}
