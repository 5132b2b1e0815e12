package pacc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// A Parser reads PACC documents. The zero value is ready to use.
type Parser struct {
	// Dropped, if not nil, is called for each member left out because its
	// value is unusable (a wrong type, a bad host, a non-https URL), with
	// the member's path such as "protocols.imap.host".
	Dropped func(member string, reason error)
}

// Parse is Parser{}.Parse.
func Parse(body []byte) (Config, error) { return Parser{}.Parse(body) }

// Parse reads one document. It fails, with an error wrapping ErrDocument,
// only when the document cannot be used at all; a member with an unusable
// value is left out (and reported to Dropped) and unknown members are
// ignored. The result may name no mail server; see [Config.HasMail].
//
// A host with a port ("imap.example.test:993") is dropped: PACC fixes the
// port of each protocol. A "port" member beside "host" is, like every
// member PACC does not define, ignored, so the server is still read on the
// protocol's PACC port.
//
// Parse does not check the digest: call [VerifyDigest] on the same bytes.
func (p Parser) Parse(body []byte) (Config, error) {
	if len(body) > MaxBodySize {
		return Config{}, fmt.Errorf("%w: larger than %d bytes", ErrDocument, MaxBodySize)
	}
	root, err := decodeJSON(body)
	if err != nil {
		return Config{}, fmt.Errorf("%w: %v", ErrDocument, err)
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return Config{}, fmt.Errorf("%w: not a JSON object", ErrDocument)
	}
	var c Config
	r := reader{p: p}
	protocols := r.object(obj, "protocols")
	c.IMAP = r.server(protocols, "imap", IMAPPort)
	c.POP3 = r.server(protocols, "pop3", POP3Port)
	c.Submit = r.server(protocols, "submit", SubmitPort)
	if legacy := r.server(protocols, "smtp", SubmitPort); legacy != nil {
		if c.Submit == nil {
			c.Submit = legacy
		} else if legacy[0] != c.Submit[0] {
			r.drop("protocols.smtp", errors.New("superseded by protocols.submit"))
		}
	}
	c.JMAP = r.urlMember(protocols, "protocols.jmap", "url")
	c.CalDAV = r.urlMember(protocols, "protocols.caldav", "url")
	c.CardDAV = r.urlMember(protocols, "protocols.carddav", "url")

	auth := r.object(obj, "authentication")
	if v, ok := auth["password"]; ok {
		switch b, isBool := v.(bool); {
		case !isBool:
			r.drop("authentication.password", errors.New("not a boolean"))
		case b:
			c.Password = PasswordYes
		default:
			c.Password = PasswordNo
		}
	}
	if issuer := r.urlMember(auth, "authentication.oauth-public", "issuer"); issuer != "" {
		if u, _ := url.Parse(issuer); u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
			r.drop("authentication.oauth-public.issuer", errors.New("an issuer has no query or fragment (RFC 8414 §2)"))
		} else {
			c.OAuthIssuer = issuer
		}
	}

	info := r.object(obj, "info")
	provider := r.objectAt(info, "provider", "info.provider")
	c.ProviderName = r.text(provider, "info.provider.name", "name")
	c.ProviderShortName = r.text(provider, "info.provider.shortName", "shortName")
	c.DocumentationURL = r.urlMember(info, "info.help", "documentation")
	return c, nil
}

// reader extracts members, reporting those it leaves out.
type reader struct{ p Parser }

func (r reader) drop(member string, reason error) {
	if r.p.Dropped != nil {
		r.p.Dropped(member, reason)
	}
}

// object returns the member name of o as an object, or nil. The path used
// in reports is built by the caller for nested members.
func (r reader) object(o map[string]any, name string) map[string]any {
	return r.objectAt(o, name, name)
}

func (r reader) objectAt(o map[string]any, name, path string) map[string]any {
	v, ok := o[name]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.drop(path, errors.New("not an object"))
		return nil
	}
	return m
}

// str returns the member name of o as a string.
func (r reader) str(o map[string]any, name, path string) (string, bool) {
	v, ok := o[name]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		r.drop(path, errors.New("not a string"))
		return "", false
	}
	return s, true
}

// server reads protocols.NAME.host as a server on port with implicit TLS.
func (r reader) server(protocols map[string]any, name string, port int) []Server {
	path := "protocols." + name
	p := r.objectAt(protocols, name, path)
	if p == nil {
		return nil
	}
	h, ok := r.str(p, "host", path+".host")
	if !ok {
		if _, present := p["host"]; !present {
			r.drop(path, errors.New("no host"))
		}
		return nil
	}
	host, err := hostname.Canonical(h, hostname.Server)
	if err != nil {
		r.drop(path+".host", err)
		return nil
	}
	return []Server{{Host: host, Port: port, TLS: ImplicitTLS}}
}

// urlMember reads PARENT.MEMBER.field (or PARENT.field when member is a
// direct string) as an https URL. parentPath names the object that holds
// field, below o; for "protocols.jmap" that is o["jmap"].
func (r reader) urlMember(o map[string]any, parentPath, field string) string {
	holder := o
	if i := strings.LastIndexByte(parentPath, '.'); i >= 0 {
		holder = r.objectAt(o, parentPath[i+1:], parentPath)
	}
	path := parentPath + "." + field
	s, ok := r.str(holder, field, path)
	if !ok {
		return ""
	}
	u, err := checkURL(s)
	if err != nil {
		r.drop(path, err)
		return ""
	}
	return u
}

func (r reader) text(o map[string]any, path, name string) string {
	s, ok := r.str(o, name, path)
	if !ok {
		return ""
	}
	return sanitize.Text(s, MaxTextLen)
}

// checkURL returns s if it is an absolute https URL with a valid host name,
// no user information, and no control or space characters.
func checkURL(s string) (string, error) {
	if len(s) > MaxURLLen {
		return "", fmt.Errorf("URL longer than %d bytes", MaxURLLen)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return "", errors.New("URL has a space, control or non-ASCII character")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("not a URL")
	}
	if u.Scheme != "https" {
		return "", errors.New("not an https URL")
	}
	if u.User != nil || u.Opaque != "" {
		return "", errors.New("URL with user information or opaque part")
	}
	h, err := hostname.Canonical(u.Hostname(), hostname.Server)
	if err != nil {
		return "", fmt.Errorf("URL host: %w", err)
	}
	if h != u.Hostname() {
		return "", errors.New("URL host is not a lower-case A-label name")
	}
	return s, nil
}

// decodeJSON parses one JSON value with bounded nesting, refusing
// duplicate object keys and anything after the value.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := walk(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// walk reads one value from dec. Objects become map[string]any and arrays
// []any; scalars are kept as encoding/json returns them.
func walk(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		return tok, nil
	}
	if depth+1 > MaxDepth {
		return nil, fmt.Errorf("nested deeper than %d", MaxDepth)
	}
	switch d {
	case '{':
		obj := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, ok := kt.(string)
			if !ok {
				return nil, errors.New("object key is not a string")
			}
			if _, dup := obj[k]; dup {
				return nil, fmt.Errorf("duplicate key %q", sanitize.Text(k, 64))
			}
			v, err := walk(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj[k] = v
		}
		if _, err := dec.Token(); err != nil { // '}'
			return nil, err
		}
		return obj, nil
	case '[':
		var arr []any
		for dec.More() {
			v, err := walk(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil { // ']'
			return nil, err
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unexpected %v", d)
}
