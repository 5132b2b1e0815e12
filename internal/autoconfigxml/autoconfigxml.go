// Package autoconfigxml reads and writes the XML of Mozilla autoconfig
// v1.1 documents (https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat),
// the format of the Thunderbird ISP database and of
// https://autoconfig.DOMAIN/mail/config-v1.1.xml. It deals in plain strings:
// package mailsettings validates what was read and builds what is written.
//
// [Decode] treats the document as untrusted: it walks the tokens with an
// explicit path so that depth and size stay bounded, refuses a DOCTYPE (and
// with it every entity), reads only the first emailProvider, and caps the
// text of an element and the number of domains and servers.
package autoconfigxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/mailsettings/mailsettings/internal/xmlwalk"
)

// Limits on a document. Real documents are a few KiB; the largest ISPDB
// file lists under 200 domains.
const (
	MaxSize    = 1 << 20 // bytes
	MaxDepth   = 16      // element nesting
	MaxText    = 4096    // bytes of text in one element
	MaxDomains = 4096
	MaxServers = 64
)

// The socketType spellings of the format.
const (
	SocketSSL      = "SSL"
	SocketSTARTTLS = "STARTTLS"
	SocketPlain    = "plain"
)

// A Doc is the part of a document this module reads and writes.
type Doc struct {
	ID        string // emailProvider id attribute
	Name      string // displayName
	ShortName string // displayShortName
	Domains   []string
	Servers   []Server
	DocURL    string // documentation url attribute
	DocDescr  []Text // documentation descr, written only
	EnableURL string // enable visiturl attribute
	Enable    []Text // enable instruction, written only
	OAuth2    OAuth2
}

// A Server is an incomingServer or outgoingServer entry, as written.
type Server struct {
	Incoming       bool
	Type           string // "imap", "pop3", "smtp"
	Hostname       string
	Port           string
	SocketType     string
	Username       string
	Authentication []string
}

// Text is an element's text in one language.
type Text struct {
	Lang string
	Text string
}

// OAuth2 is the oAuth2 element.
type OAuth2 struct {
	Issuer   string
	Scopes   []string
	AuthURL  string
	TokenURL string
}

// Decode parses a document of at most MaxSize bytes.
func Decode(data []byte) (*Doc, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxSize)
	}
	var (
		doc      Doc
		server   *Server
		provider int // emailProvider elements seen; only the first is read
	)
	w := xmlwalk.Walker{Root: "clientConfig", MaxDepth: MaxDepth, MaxText: MaxText,
		Start: func(path string, t xml.StartElement) {
			inFirst := provider <= 1
			switch path {
			case "clientConfig/emailProvider":
				provider++
				if provider == 1 {
					doc.ID = xmlwalk.Attr(t, "id")
				}
			case "clientConfig/emailProvider/incomingServer", "clientConfig/emailProvider/outgoingServer":
				if inFirst && len(doc.Servers) < MaxServers {
					doc.Servers = append(doc.Servers, Server{Incoming: t.Name.Local == "incomingServer", Type: xmlwalk.Attr(t, "type")})
					server = &doc.Servers[len(doc.Servers)-1]
				}
			case "clientConfig/emailProvider/documentation":
				if inFirst && doc.DocURL == "" {
					doc.DocURL = xmlwalk.Attr(t, "url")
				}
			case "clientConfig/emailProvider/enable", "clientConfig/enable":
				if inFirst && doc.EnableURL == "" {
					doc.EnableURL = xmlwalk.Attr(t, "visiturl")
				}
			}
		},
		End: func(path, v string) {
			if provider <= 1 {
				doc.set(path, v, server)
			}
			if strings.HasSuffix(path, "/incomingServer") || strings.HasSuffix(path, "/outgoingServer") {
				server = nil
			}
		},
	}
	if err := w.Walk(data); err != nil {
		return nil, err
	}
	if provider == 0 {
		return nil, errors.New("no <emailProvider>")
	}
	return &doc, nil
}

// set stores the text of the element at path.
func (d *Doc) set(path, v string, s *Server) {
	switch path {
	case "clientConfig/emailProvider/domain":
		if len(d.Domains) < MaxDomains {
			d.Domains = append(d.Domains, v)
		}
	case "clientConfig/emailProvider/displayName":
		d.Name = v
	case "clientConfig/emailProvider/displayShortName":
		d.ShortName = v
	case "clientConfig/oAuth2/issuer", "clientConfig/emailProvider/oAuth2/issuer":
		d.OAuth2.Issuer = v
	case "clientConfig/oAuth2/scope", "clientConfig/emailProvider/oAuth2/scope":
		d.OAuth2.Scopes = strings.Fields(v)
	case "clientConfig/oAuth2/authURL", "clientConfig/emailProvider/oAuth2/authURL":
		d.OAuth2.AuthURL = v
	case "clientConfig/oAuth2/tokenURL", "clientConfig/emailProvider/oAuth2/tokenURL":
		d.OAuth2.TokenURL = v
	}
	if s == nil {
		return
	}
	switch path[strings.LastIndexByte(path, '/')+1:] {
	case "hostname":
		s.Hostname = v
	case "port":
		s.Port = v
	case "socketType":
		s.SocketType = v
	case "username":
		s.Username = v
	case "authentication":
		s.Authentication = append(s.Authentication, v)
	}
}
