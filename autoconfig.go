package mailsettings

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/autoconfigxml"
	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
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
	// Address, if set, is the address the document was asked for (with
	// ?emailaddress=): servers that fill it in (mox does) write it, or its
	// local part, as the username instead of a placeholder, and such a
	// username is read as %EMAILADDRESS% or %EMAILLOCALPART%.
	Address string
	// Dropped, if not nil, is called for each server entry left out.
	Dropped func(entry string, reason error)
}

// Parse reads one document and returns its first email provider. The
// result's Source and LastChecked are empty: the caller knows where the
// document came from.
func (p AutoconfigParser) Parse(r io.Reader) (ProviderInfo, error) {
	data, err := io.ReadAll(io.LimitReader(r, autoconfigxml.MaxSize+1))
	if err != nil {
		return ProviderInfo{}, fmt.Errorf("%w: %v", ErrAutoconfig, err)
	}
	doc, err := autoconfigxml.Decode(data)
	if err != nil {
		return ProviderInfo{}, fmt.Errorf("%w: %v", ErrAutoconfig, err)
	}
	return p.convert(doc)
}

// convert validates the document and builds the provider.
func (p AutoconfigParser) convert(doc *autoconfigxml.Doc) (ProviderInfo, error) {
	info := ProviderInfo{ID: p.plainText(doc.ID, maxIDText), Name: p.plainText(doc.Name, maxNameText), DocURL: pageURL(doc.DocURL)}
	if info.Name == "" {
		info.Name = info.ID
	}
	for _, d := range doc.Domains {
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
	for i := range doc.Servers {
		doc.Servers[i].Username = p.usernameForm(doc.Servers[i].Username)
	}
	for _, s := range doc.Servers {
		if _, ok := parseUsernameForm(s.Username); s.Incoming && ok {
			incomingUser = s.Username
			break
		}
	}
	oauthOnly := len(doc.Servers) > 0
	for _, s := range doc.Servers {
		if !s.Incoming && s.Username == "" {
			s.Username = incomingUser
		}
		e, err := p.endpoint(s)
		if err != nil {
			p.drop(describeServer(s), err)
			continue
		}
		if !slices.Contains(info.Endpoints, e) {
			info.Endpoints = append(info.Endpoints, e)
		}
		for _, a := range s.Authentication {
			if a != "OAuth2" {
				oauthOnly = false
			}
		}
		if len(s.Authentication) == 0 {
			oauthOnly = false
		}
	}
	if len(info.Endpoints) == 0 {
		return ProviderInfo{}, fmt.Errorf("%w: no usable server entry", ErrAutoconfig)
	}
	if oauthOnly {
		info.Password = PasswordOAuth2Only
	}
	if o := doc.OAuth2; o.Issuer != "" {
		info.OAuth2 = oauth2Of(o)
	}
	if u := pageURL(doc.EnableURL); u != "" {
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

// usernameForm returns the placeholder for a username that spells out
// Address or its local part, and the username otherwise.
func (p AutoconfigParser) usernameForm(u string) string {
	if p.Address == "" {
		return u
	}
	local, _, _ := strings.Cut(p.Address, "@")
	switch {
	case strings.EqualFold(u, p.Address):
		return string(UsernameAddress)
	case u == local:
		return string(UsernameLocalPart)
	}
	return u
}

// describeServer names a server entry for a Dropped callback.
func describeServer(s autoconfigxml.Server) string {
	dir := "outgoingServer"
	if s.Incoming {
		dir = "incomingServer"
	}
	return fmt.Sprintf("%s type=%q hostname=%q port=%q", dir, sanitize.Clip(s.Type, 20), sanitize.Clip(s.Hostname, 80), sanitize.Clip(s.Port, 12))
}

// endpoint validates one server entry.
func (p AutoconfigParser) endpoint(s autoconfigxml.Server) (ServerEndpoint, error) {
	var e ServerEndpoint
	switch {
	case s.Incoming && s.Type == "imap":
		e.Protocol = IMAP
	case s.Incoming && s.Type == "pop3":
		e.Protocol = POP3
	case !s.Incoming && s.Type == "smtp":
		e.Protocol = SMTP
	default:
		return e, fmt.Errorf("unsupported server type %q", sanitize.Clip(s.Type, 20))
	}
	for _, enc := range encryptions() {
		if s.SocketType == socketType(enc) {
			e.Encryption = enc
		}
	}
	if e.Encryption == "" {
		return e, fmt.Errorf("unknown socketType %q", sanitize.Clip(s.SocketType, 20))
	}
	port, err := strconv.ParseUint(s.Port, 10, 16)
	if err != nil || port == 0 {
		return e, fmt.Errorf("port %q is not a number from 1 to 65535", sanitize.Clip(s.Port, 12))
	}
	e.Port = uint16(port)
	var ok bool
	if e.Username, ok = parseUsernameForm(s.Username); !ok {
		return e, fmt.Errorf("username %q is not a known placeholder", sanitize.Clip(s.Username, 40))
	}
	host, err := p.hostname(s.Hostname)
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
		return "", fmt.Errorf("host name %q has a placeholder or is not a plain name", sanitize.Clip(h, 80))
	}
	q, err := parseQuery(h)
	if err != nil || q.Local != "" {
		return "", fmt.Errorf("host name %q is invalid", sanitize.Clip(h, 80))
	}
	if err := hostname.Check(q.Domain, hostname.Server); err != nil {
		return "", fmt.Errorf("host name %q: %w", q.Domain, err)
	}
	return q.Domain, nil
}

// Bounds on the text a document may put into a provider.
const (
	maxIDText     = 64
	maxNameText   = 128
	maxURLLen     = 2048
	maxScopes     = 32
	maxScopeBytes = 256
)

// plainText returns a document's text (an id, a display name) made safe
// to show in at most max bytes: the autoconfig placeholders, which the
// format defines only for host names and usernames but some servers write
// here (mox writes "%EMAILADDRESS%" as the display name), are expanded
// (%EMAILDOMAIN%, when Domain is known) or removed, and the rest is
// sanitized.
func (p AutoconfigParser) plainText(s string, max int) string {
	s = strings.ReplaceAll(s, "%EMAILDOMAIN%", p.Domain)
	for _, ph := range []string{"%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%"} {
		s = strings.ReplaceAll(s, ph, "")
	}
	return sanitize.Text(s, max)
}

// pageURL returns u if it is an absolute https or http URL of
// a web page (documentation, settings) with a valid host name and no user
// information; anything else (javascript:, data:, a relative URL, an IP
// literal, control characters) gives "". Discovery keeps an http page only
// in an unauthenticated answer (see reason "http-link").
func pageURL(u string) string { return checkedURL(u, false) }

// oauthURL is pageURL for OAuth2 endpoints, which must be https (RFC 6749
// §3.1 and §3.2).
func oauthURL(u string) string { return checkedURL(u, true) }

func checkedURL(raw string, httpsOnly bool) string {
	if raw == "" || len(raw) > maxURLLen || !sanitize.IsClean(raw, maxURLLen) || strings.Contains(raw, " ") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" {
		return ""
	}
	switch u.Scheme {
	case "https":
	case "http":
		if httpsOnly {
			return ""
		}
	default:
		return ""
	}
	if _, err := hostname.Canonical(u.Hostname(), hostname.Server); err != nil {
		return ""
	}
	return raw
}

// oauth2Of returns a document's OAuth2 service, or nil if its issuer is not
// a host name: the endpoints are kept only if they are https, the scopes
// only as bounded tokens.
func oauth2Of(o autoconfigxml.OAuth2) *OAuth2 {
	issuer, err := hostname.Canonical(o.Issuer, hostname.Server)
	if err != nil {
		return nil
	}
	out := &OAuth2{Issuer: issuer, AuthURL: oauthURL(o.AuthURL), TokenURL: oauthURL(o.TokenURL)}
	for _, sc := range o.Scopes {
		if len(out.Scopes) == maxScopes {
			break
		}
		if w := sanitize.Word(sc, maxScopeBytes); w != "" && !strings.Contains(w, "%") {
			out.Scopes = append(out.Scopes, w)
		}
	}
	return out
}

// hasPlaintextOnly reports whether es offers no encrypted endpoint for
// some protocol it offers, so that passwords would travel in the clear.
// Providers for which it holds carry a [NotePlaintext] note: the parser
// adds one, and the built-in database has one (a test checks).
func hasPlaintextOnly(es []ServerEndpoint) bool {
	for _, proto := range protocols() {
		offered, encrypted := false, false
		for _, e := range es {
			if e.Protocol == proto {
				offered = true
				encrypted = encrypted || e.Encryption != Plaintext
			}
		}
		if offered && !encrypted {
			return true
		}
	}
	return false
}

// MarshalAutoconfig writes the provider as a Mozilla autoconfig v1.1
// document, the file a domain owner serves at
// https://autoconfig.DOMAIN/mail/config-v1.1.xml and the format of the
// Thunderbird ISP database. Endpoints are written in order of preference.
// It fails for the zero Provider.
//
// The document carries the id, display name, domains, every endpoint (host,
// port, socketType, username placeholder), the documentation URL, the
// settings URL (as <enable visiturl>), the OAuth2 service and, through the
// <authentication> elements, whether only OAuth2 is accepted. Reading it
// back with [AutoconfigParser] gives the same values for all of these.
// The format has no element for the other password kinds, the IMAP ID
// requirement, notes, Source or LastChecked: they are not written, and
// the parser returns the zero (unknown) PasswordKind, no IMAP ID, and only the notes it
// derives itself (enable, plaintext).
func (p Provider) MarshalAutoconfig() ([]byte, error) {
	if p.IsZero() {
		return nil, errors.New("mailsettings: MarshalAutoconfig of the zero Provider")
	}
	i := p.data()
	doc := autoconfigxml.Doc{ID: i.ID, Name: i.Name, ShortName: i.Name, Domains: i.Domains}
	auth := []string{"password-cleartext"}
	switch {
	case i.Password == PasswordOAuth2Only:
		auth = []string{"OAuth2"}
	case i.OAuth2 != nil:
		auth = append(auth, "OAuth2")
	}
	for _, e := range i.Endpoints {
		s := autoconfigxml.Server{
			Incoming: e.Protocol != SMTP, Type: string(e.Protocol), Hostname: e.Host,
			Port: strconv.Itoa(int(e.Port)), SocketType: socketType(e.Encryption), Username: string(e.Username),
			Authentication: auth,
		}
		if !e.Protocol.valid() || s.SocketType == "" || !e.Username.valid() {
			return nil, fmt.Errorf("mailsettings: provider %q: endpoint %v cannot be exported", i.ID, e)
		}
		doc.Servers = append(doc.Servers, s)
	}
	if i.SettingsURL != "" {
		n := enableNote("")
		doc.EnableURL = i.SettingsURL
		doc.Enable = []autoconfigxml.Text{{Lang: "en", Text: n.Text.In("en")}, {Lang: "zh", Text: n.Text.In("zh-Hans")}}
	}
	if i.DocURL != "" {
		doc.DocURL = i.DocURL
		doc.DocDescr = []autoconfigxml.Text{{Lang: "en", Text: i.Name}}
	}
	if o := i.OAuth2; o != nil {
		doc.OAuth2 = autoconfigxml.OAuth2{Issuer: o.Issuer, Scopes: o.Scopes, AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	return autoconfigxml.Encode(&doc)
}

// socketType returns the autoconfig spelling of e ("SSL", "STARTTLS",
// "plain"), or "" if e is invalid. The parser reads the same spellings.
func socketType(e Encryption) string {
	switch e {
	case ImplicitTLS:
		return autoconfigxml.SocketSSL
	case STARTTLS:
		return autoconfigxml.SocketSTARTTLS
	case Plaintext:
		return autoconfigxml.SocketPlain
	}
	return ""
}
