package autoconfigxml

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// Encode writes d as an autoconfig v1.1 document: the XML header, the
// clientConfig element indented by two spaces, and a final newline.
// Incoming servers are written before outgoing ones, each group in the
// order of d.Servers; the OAuth2 element only if it has an issuer.
func Encode(d *Doc) ([]byte, error) {
	doc := xmlConfig{Version: "1.1", Provider: xmlProvider{
		ID: d.ID, Domains: d.Domains, DisplayName: d.Name, DisplayShortName: d.ShortName,
	}}
	for _, s := range d.Servers {
		port, err := strconv.ParseUint(s.Port, 10, 16)
		if err != nil {
			return nil, err
		}
		x := xmlServer{Type: s.Type, Hostname: s.Hostname, Port: uint16(port), SocketType: s.SocketType,
			Username: s.Username, Authentication: s.Authentication}
		if s.Incoming {
			doc.Provider.Incoming = append(doc.Provider.Incoming, x)
		} else {
			doc.Provider.Outgoing = append(doc.Provider.Outgoing, x)
		}
	}
	if d.EnableURL != "" {
		doc.Provider.Enable = &xmlEnable{VisitURL: d.EnableURL, Instruction: texts(d.Enable)}
	}
	if d.DocURL != "" {
		doc.Provider.Documentation = &xmlDoc{URL: d.DocURL, Descr: texts(d.DocDescr)}
	}
	if o := d.OAuth2; o.Issuer != "" {
		doc.OAuth2 = &xmlOAuth2{Issuer: o.Issuer, Scope: joinSpace(o.Scopes), AuthURL: o.AuthURL, TokenURL: o.TokenURL}
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

func texts(ts []Text) []xmlText {
	out := make([]xmlText, len(ts))
	for i, t := range ts {
		out[i] = xmlText(t)
	}
	return out
}

func joinSpace(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

// The XML shape of a document, for writing only: reading is done by the
// token walk of Decode.
type xmlConfig struct {
	XMLName  xml.Name    `xml:"clientConfig"`
	Version  string      `xml:"version,attr"`
	Provider xmlProvider `xml:"emailProvider"`
	OAuth2   *xmlOAuth2  `xml:"oAuth2,omitempty"`
}

type xmlProvider struct {
	ID               string      `xml:"id,attr"`
	Domains          []string    `xml:"domain"`
	DisplayName      string      `xml:"displayName"`
	DisplayShortName string      `xml:"displayShortName"`
	Incoming         []xmlServer `xml:"incomingServer"`
	Outgoing         []xmlServer `xml:"outgoingServer"`
	Enable           *xmlEnable  `xml:"enable,omitempty"`
	Documentation    *xmlDoc     `xml:"documentation,omitempty"`
}

type xmlServer struct {
	Type           string   `xml:"type,attr"`
	Hostname       string   `xml:"hostname"`
	Port           uint16   `xml:"port"`
	SocketType     string   `xml:"socketType"`
	Username       string   `xml:"username"`
	Authentication []string `xml:"authentication"`
}

type xmlEnable struct {
	VisitURL    string    `xml:"visiturl,attr"`
	Instruction []xmlText `xml:"instruction"`
}

type xmlDoc struct {
	URL   string    `xml:"url,attr"`
	Descr []xmlText `xml:"descr"`
}

type xmlText struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

type xmlOAuth2 struct {
	Issuer   string `xml:"issuer"`
	Scope    string `xml:"scope,omitempty"`
	AuthURL  string `xml:"authURL,omitempty"`
	TokenURL string `xml:"tokenURL,omitempty"`
}
