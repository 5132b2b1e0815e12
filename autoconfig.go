package mailsettings

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
)

// Limits on an autoconfig document. Real documents are a few KiB; the
// largest ISPDB file lists under 200 domains.
const (
	maxAutoconfigSize    = 1 << 20 // bytes
	maxAutoconfigDepth   = 16      // element nesting
	maxAutoconfigText    = 4096    // bytes of text in one element
	maxAutoconfigDomains = 4096
	maxAutoconfigServers = 64
)

// ErrAutoconfig is wrapped by every error about an autoconfig document that
// cannot be used at all: malformed, too large, too deep, with a DOCTYPE, or
// without a usable endpoint.
var ErrAutoconfig = errors.New("mailsettings: unusable autoconfig document")

// An AutoconfigParser reads Mozilla autoconfig v1.1 documents, the format of
// the Thunderbird ISP database and of https://autoconfig.DOMAIN/mail/config-v1.1.xml.
// The zero value is ready to use.
//
// The document is treated as untrusted input: it is read through a 1 MiB
// limit, element nesting is capped, a DOCTYPE (and with it every entity) is
// refused, and every value is validated like user input. A server entry that
// is incomplete, of an unknown type, or has a bad host, port, socket type or
// username template is dropped; unknown elements are ignored.
type AutoconfigParser struct {
	// Domain, if set, replaces the %EMAILDOMAIN% placeholder in host names.
	// Host names with any other placeholder are always dropped: a local
	// part must never choose a server (it is chosen by the sender).
	Domain string
	// Dropped, if not nil, is called for each server entry left out.
	Dropped func(entry string, reason error)
}

// ParseAutoconfig is AutoconfigParser{}.Parse.
func ParseAutoconfig(r io.Reader) (ProviderInfo, error) {
	return AutoconfigParser{}.Parse(r)
}

// Parse reads one document and returns its first email provider. The
// result's Source and LastChecked are empty: the caller knows where the
// document came from.
func (p AutoconfigParser) Parse(r io.Reader) (ProviderInfo, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxAutoconfigSize+1))
	if err != nil {
		return ProviderInfo{}, fmt.Errorf("%w: %v", ErrAutoconfig, err)
	}
	if len(data) > maxAutoconfigSize {
		return ProviderInfo{}, fmt.Errorf("%w: larger than %d bytes", ErrAutoconfig, maxAutoconfigSize)
	}
	doc, err := decodeAutoconfig(data)
	if err != nil {
		return ProviderInfo{}, fmt.Errorf("%w: %v", ErrAutoconfig, err)
	}
	return p.convert(doc)
}

// acServer is a server entry as written, before validation.
type acServer struct {
	incoming                                  bool
	typ, hostname, port, socketType, username string
	auth                                      []string
}

// acDoc holds the parts of a document this package reads.
type acDoc struct {
	id, name, docURL, enableURL string
	domains                     []string
	servers                     []acServer
	oauth2                      OAuth2
}

// decodeAutoconfig walks the XML tokens with an explicit path, so that depth
// and size stay bounded whatever the document holds.
func decodeAutoconfig(data []byte) (*acDoc, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var (
		doc      acDoc
		path     []string
		text     strings.Builder
		server   *acServer
		provider int // emailProvider elements seen; only the first is read
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, errors.New("DOCTYPE and entity declarations are not allowed")
		case xml.StartElement:
			if len(path) == 0 && t.Name.Local != "clientConfig" {
				return nil, fmt.Errorf("root element is <%s>, not <clientConfig>", t.Name.Local)
			}
			path = append(path, t.Name.Local)
			if len(path) > maxAutoconfigDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", maxAutoconfigDepth)
			}
			text.Reset()
			inFirst := provider <= 1
			switch pathString(path) {
			case "clientConfig/emailProvider":
				provider++
				if provider == 1 {
					doc.id = attr(t, "id")
				}
			case "clientConfig/emailProvider/incomingServer", "clientConfig/emailProvider/outgoingServer":
				if inFirst && len(doc.servers) < maxAutoconfigServers {
					doc.servers = append(doc.servers, acServer{incoming: t.Name.Local == "incomingServer", typ: attr(t, "type")})
					server = &doc.servers[len(doc.servers)-1]
				}
			case "clientConfig/emailProvider/documentation":
				if inFirst && doc.docURL == "" {
					doc.docURL = attr(t, "url")
				}
			case "clientConfig/emailProvider/enable", "clientConfig/enable":
				if inFirst && doc.enableURL == "" {
					doc.enableURL = attr(t, "visiturl")
				}
			}
		case xml.CharData:
			if text.Len()+len(t) > maxAutoconfigText {
				return nil, fmt.Errorf("text longer than %d bytes", maxAutoconfigText)
			}
			text.Write(t)
		case xml.EndElement:
			v := strings.TrimSpace(text.String())
			text.Reset()
			if provider <= 1 {
				doc.set(pathString(path), v, server)
			}
			if t.Name.Local == "incomingServer" || t.Name.Local == "outgoingServer" {
				server = nil
			}
			path = path[:len(path)-1]
		}
	}
	if provider == 0 {
		return nil, errors.New("no <emailProvider>")
	}
	return &doc, nil
}

// set stores the text of the element at path.
func (d *acDoc) set(path, v string, s *acServer) {
	switch path {
	case "clientConfig/emailProvider/domain":
		if len(d.domains) < maxAutoconfigDomains {
			d.domains = append(d.domains, v)
		}
	case "clientConfig/emailProvider/displayName":
		d.name = v
	case "clientConfig/oAuth2/issuer", "clientConfig/emailProvider/oAuth2/issuer":
		d.oauth2.Issuer = v
	case "clientConfig/oAuth2/scope", "clientConfig/emailProvider/oAuth2/scope":
		d.oauth2.Scopes = strings.Fields(v)
	case "clientConfig/oAuth2/authURL", "clientConfig/emailProvider/oAuth2/authURL":
		d.oauth2.AuthURL = v
	case "clientConfig/oAuth2/tokenURL", "clientConfig/emailProvider/oAuth2/tokenURL":
		d.oauth2.TokenURL = v
	}
	if s == nil {
		return
	}
	switch path[strings.LastIndexByte(path, '/')+1:] {
	case "hostname":
		s.hostname = v
	case "port":
		s.port = v
	case "socketType":
		s.socketType = v
	case "username":
		s.username = v
	case "authentication":
		s.auth = append(s.auth, v)
	}
}

func pathString(path []string) string { return strings.Join(path, "/") }

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// convert validates the document and builds the provider.
func (p AutoconfigParser) convert(doc *acDoc) (ProviderInfo, error) {
	info := ProviderInfo{ID: doc.id, Name: doc.name, DocURL: httpsURL(doc.docURL)}
	if info.Name == "" {
		info.Name = info.ID
	}
	for _, d := range doc.domains {
		q, err := parseQuery(d)
		if err != nil || q.Local != "" {
			p.drop("domain "+strconv.Quote(d), errors.New("not a valid domain"))
			continue
		}
		if !slices.Contains(info.Domains, q.Domain) {
			info.Domains = append(info.Domains, q.Domain)
		}
	}
	// An outgoing server without a username logs in as the incoming one
	// does, as Thunderbird's account setup assumes.
	var incomingUser string
	for _, s := range doc.servers {
		var u UsernameForm
		if s.incoming && u.UnmarshalText([]byte(s.username)) == nil {
			incomingUser = s.username
			break
		}
	}
	oauthOnly := len(doc.servers) > 0
	for _, s := range doc.servers {
		if !s.incoming && s.username == "" {
			s.username = incomingUser
		}
		e, err := p.endpoint(s)
		if err != nil {
			p.drop(s.describe(), err)
			continue
		}
		if !slices.Contains(info.Endpoints, e) {
			info.Endpoints = append(info.Endpoints, e)
		}
		for _, a := range s.auth {
			if a != "OAuth2" {
				oauthOnly = false
			}
		}
		if len(s.auth) == 0 {
			oauthOnly = false
		}
	}
	if len(info.Endpoints) == 0 {
		return ProviderInfo{}, fmt.Errorf("%w: no usable server entry", ErrAutoconfig)
	}
	if oauthOnly {
		info.Password = PasswordOAuth2Only
	}
	if o := doc.oauth2; o.Issuer != "" {
		o.AuthURL, o.TokenURL = httpsURL(o.AuthURL), httpsURL(o.TokenURL)
		info.OAuth2 = &o
	}
	if u := httpsURL(doc.enableURL); u != "" {
		info.SettingsURL = u
		info.Notes = append(info.Notes, enableNote(u))
	}
	if hasPlaintextOnly(info.Endpoints) {
		info.Notes = append(info.Notes, plaintextNote())
	}
	sortEndpoints(info.Endpoints)
	return info, nil
}

func (p AutoconfigParser) drop(entry string, reason error) {
	if p.Dropped != nil {
		p.Dropped(entry, reason)
	}
}

func (s acServer) describe() string {
	dir := "outgoingServer"
	if s.incoming {
		dir = "incomingServer"
	}
	return fmt.Sprintf("%s type=%q hostname=%q port=%q", dir, s.typ, truncate(s.hostname, 80), truncate(s.port, 12))
}

// endpoint validates one server entry.
func (p AutoconfigParser) endpoint(s acServer) (ServerEndpoint, error) {
	var e ServerEndpoint
	switch {
	case s.incoming && s.typ == "imap":
		e.Protocol = IMAP
	case s.incoming && s.typ == "pop3":
		e.Protocol = POP3
	case !s.incoming && s.typ == "smtp":
		e.Protocol = SMTP
	default:
		return e, fmt.Errorf("unsupported server type %q", truncate(s.typ, 20))
	}
	for enc := ImplicitTLS; enc.Valid(); enc++ {
		if s.socketType == enc.socketType() {
			e.Encryption = enc
		}
	}
	if e.Encryption == 0 {
		return e, fmt.Errorf("unknown socketType %q", truncate(s.socketType, 20))
	}
	port, err := strconv.ParseUint(s.port, 10, 16)
	if err != nil || port == 0 {
		return e, fmt.Errorf("port %q is not a number from 1 to 65535", truncate(s.port, 12))
	}
	e.Port = uint16(port)
	if err := e.Username.UnmarshalText([]byte(s.username)); err != nil {
		return e, fmt.Errorf("username %q is not a known placeholder", truncate(s.username, 40))
	}
	host, err := p.hostname(s.hostname)
	if err != nil {
		return e, err
	}
	e.Host = host
	return e, nil
}

// hostname validates a host name from a document like user input, after
// substituting %EMAILDOMAIN%.
func (p AutoconfigParser) hostname(h string) (string, error) {
	if p.Domain != "" {
		h = strings.ReplaceAll(h, "%EMAILDOMAIN%", p.Domain)
	}
	if strings.ContainsAny(h, "%@/:[]") {
		return "", fmt.Errorf("host name %q has a placeholder or is not a plain name", truncate(h, 80))
	}
	q, err := parseQuery(h)
	if err != nil || q.Local != "" {
		return "", fmt.Errorf("host name %q is invalid", truncate(h, 80))
	}
	if err := hostname.Check(q.Domain, hostname.Server); err != nil {
		return "", fmt.Errorf("host name %q: %w", q.Domain, err)
	}
	return q.Domain, nil
}

// httpsURL returns u if it is an absolute http or https URL without
// control characters, else "".
func httpsURL(u string) string {
	if !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) || len(u) > 2048 {
		return ""
	}
	for i := 0; i < len(u); i++ {
		if u[i] <= ' ' || u[i] == 0x7f {
			return ""
		}
	}
	return u
}

// hasPlaintextOnly reports whether some protocol in es has only plaintext
// endpoints.
func hasPlaintextOnly(es []ServerEndpoint) bool {
	p := Provider{info: &ProviderInfo{Endpoints: es}}
	return p.PlaintextOnly()
}

func enableNote(url string) Note {
	return Note{Kind: NoteEnable, URL: url, Text: Text{
		English: "Switch on IMAP/POP3 access in the provider's web settings before configuring a client.",
		Chinese: "配置客户端之前，请先在服务商的网页设置中开启IMAP/POP3访问。",
	}}
}

func plaintextNote() Note {
	return Note{Kind: NotePlaintext, Text: Text{
		English: "This provider offers some protocols only without encryption: the password would cross the network in the clear. Prefer another protocol, or ask the provider for TLS.",
		Chinese: "该服务商的部分协议只提供未加密连接，密码会以明文在网络上传输。请改用其他协议，或要求服务商提供TLS。",
	}}
}
