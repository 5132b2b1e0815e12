package mailsettings

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// MarshalAutoconfig writes info as a Mozilla autoconfig v1.1 document, the
// file a domain owner serves at https://autoconfig.DOMAIN/mail/config-v1.1.xml
// and the format of the Thunderbird ISP database. info is checked as by
// [NewProvider] first; endpoints are written in order of preference.
//
// The document carries the id, display name, domains, every endpoint (host,
// port, socketType, username placeholder), the documentation URL, the
// settings URL (as <enable visiturl>), the OAuth2 service and, through the
// <authentication> elements, whether only OAuth2 is accepted. Reading it
// back with [AutoconfigParser] gives the same values for all of these.
// The format has no element for the other password kinds, the IMAP ID
// requirement, notes, Source or LastChecked: they are not written, and
// the parser returns PasswordUnknown, no IMAP ID, and only the notes it
// derives itself (enable, plaintext).
func MarshalAutoconfig(info ProviderInfo) ([]byte, error) {
	p, err := NewProvider(info)
	if err != nil {
		return nil, err
	}
	return p.MarshalAutoconfig()
}

// MarshalAutoconfig writes the provider as a Mozilla autoconfig v1.1
// document; see the function [MarshalAutoconfig].
func (p Provider) MarshalAutoconfig() ([]byte, error) {
	i := p.data()
	doc := acXMLConfig{Version: "1.1", Provider: acXMLProvider{
		ID: i.ID, Domains: i.Domains, DisplayName: i.Name, DisplayShortName: i.Name,
	}}
	auth := []string{"password-cleartext"}
	switch {
	case i.Password == PasswordOAuth2Only:
		auth = []string{"OAuth2"}
	case i.OAuth2 != nil:
		auth = append(auth, "OAuth2")
	}
	for _, e := range i.Endpoints {
		s := acXMLServer{
			Type: strings.ToLower(e.Protocol.String()), Hostname: e.Host, Port: e.Port,
			SocketType: e.Encryption.socketType(), Username: e.Username.String(), Authentication: auth,
		}
		if !e.Protocol.Valid() || s.SocketType == "" || !e.Username.Valid() {
			return nil, fmt.Errorf("mailsettings: provider %q: endpoint %v cannot be exported", i.ID, e)
		}
		if e.Protocol == SMTP {
			doc.Provider.Outgoing = append(doc.Provider.Outgoing, s)
		} else {
			doc.Provider.Incoming = append(doc.Provider.Incoming, s)
		}
	}
	if i.SettingsURL != "" {
		doc.Provider.Enable = &acXMLEnable{VisitURL: i.SettingsURL, Instruction: []acXMLText{
			{Lang: "en", Text: enableNote("").English},
			{Lang: "zh", Text: enableNote("").Chinese},
		}}
	}
	if i.DocURL != "" {
		doc.Provider.Documentation = &acXMLDoc{URL: i.DocURL, Descr: []acXMLText{{Lang: "en", Text: i.Name}}}
	}
	if o := i.OAuth2; o != nil {
		doc.OAuth2 = &acXMLOAuth2{Issuer: o.Issuer, Scope: strings.Join(o.Scopes, " "), AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// socketType returns the autoconfig spelling of e ("SSL", "STARTTLS",
// "plain"), or "" if e is invalid. The parser reads the same spellings.
func (e Encryption) socketType() string {
	switch e {
	case ImplicitTLS:
		return "SSL"
	case STARTTLS:
		return "STARTTLS"
	case Plaintext:
		return "plain"
	}
	return ""
}

// The XML shape of an autoconfig v1.1 document, for writing only (reading
// is done by the hardened decoder in autoconfig.go).
type acXMLConfig struct {
	XMLName  xml.Name      `xml:"clientConfig"`
	Version  string        `xml:"version,attr"`
	Provider acXMLProvider `xml:"emailProvider"`
	OAuth2   *acXMLOAuth2  `xml:"oAuth2,omitempty"`
}

type acXMLProvider struct {
	ID               string        `xml:"id,attr"`
	Domains          []string      `xml:"domain"`
	DisplayName      string        `xml:"displayName"`
	DisplayShortName string        `xml:"displayShortName"`
	Incoming         []acXMLServer `xml:"incomingServer"`
	Outgoing         []acXMLServer `xml:"outgoingServer"`
	Enable           *acXMLEnable  `xml:"enable,omitempty"`
	Documentation    *acXMLDoc     `xml:"documentation,omitempty"`
}

type acXMLServer struct {
	Type           string   `xml:"type,attr"`
	Hostname       string   `xml:"hostname"`
	Port           uint16   `xml:"port"`
	SocketType     string   `xml:"socketType"`
	Username       string   `xml:"username"`
	Authentication []string `xml:"authentication"`
}

type acXMLEnable struct {
	VisitURL    string      `xml:"visiturl,attr"`
	Instruction []acXMLText `xml:"instruction"`
}

type acXMLDoc struct {
	URL   string      `xml:"url,attr"`
	Descr []acXMLText `xml:"descr"`
}

type acXMLText struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

type acXMLOAuth2 struct {
	Issuer   string `xml:"issuer"`
	Scope    string `xml:"scope,omitempty"`
	AuthURL  string `xml:"authURL,omitempty"`
	TokenURL string `xml:"tokenURL,omitempty"`
}
