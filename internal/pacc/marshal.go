package pacc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// Marshal returns the exact bytes to publish at
// https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json;
// publish [TXTRecord] of the same bytes at [TXTName](DOMAIN). The output is
// compact JSON with keys in sorted order and no final newline, so the same
// Config always gives the same bytes (and digest).
//
// For each of IMAP, POP3 and Submit, the first server with ImplicitTLS on
// the protocol's PACC port (993, 995, 465) is published, under the keys
// "imap", "pop3" and "submit". A protocol whose servers are all STARTTLS
// fails with an error wrapping ErrSTARTTLSOnly, since PACC has no way to
// say STARTTLS, and one offered only on another port or without TLS fails
// with ErrUnpublishable: leaving the protocol out is the caller's choice to
// make, not this function's. Marshal also refuses, with ErrUnpublishable,
// a config without any mail server, provider name or stated Password
// (authentication.password is always written), host names that are
// not lower-case A-labels, URLs that Parse would drop, and text that Parse
// would change, so that Parse(Marshal(c)) gives c back.
func Marshal(c Config) ([]byte, error) {
	doc := map[string]any{}
	protocols := map[string]any{}
	for _, p := range []struct {
		key     string
		servers []Server
		port    int
	}{
		{"imap", c.IMAP, IMAPPort},
		{"pop3", c.POP3, POP3Port},
		{"submit", c.Submit, SubmitPort},
	} {
		if len(p.servers) == 0 {
			continue
		}
		s, err := pick(p.key, p.servers, p.port)
		if err != nil {
			return nil, err
		}
		protocols[p.key] = map[string]any{"host": s.Host}
	}
	if len(protocols) == 0 {
		return nil, fmt.Errorf("%w: no IMAP, POP3 or submission server", ErrUnpublishable)
	}
	for _, u := range []struct{ key, url string }{
		{"jmap", c.JMAP}, {"caldav", c.CalDAV}, {"carddav", c.CardDAV},
	} {
		if u.url == "" {
			continue
		}
		if _, err := checkURL(u.url); err != nil {
			return nil, fmt.Errorf("%w: protocols.%s.url: %v", ErrUnpublishable, u.key, err)
		}
		protocols[u.key] = map[string]any{"url": u.url}
	}
	doc["protocols"] = protocols

	auth := map[string]any{}
	switch c.Password {
	case PasswordYes:
		auth["password"] = true
	case PasswordNo:
		auth["password"] = false
	default:
		// Readers such as pimalaya/io-discovery require the
		// authentication object; a publisher knows whether passwords work.
		return nil, fmt.Errorf("%w: Password must be PasswordYes or PasswordNo, not %d", ErrUnpublishable, c.Password)
	}
	if c.OAuthIssuer != "" {
		u, err := checkURL(c.OAuthIssuer)
		if err == nil {
			if pu, _ := url.Parse(u); pu.RawQuery != "" || pu.Fragment != "" || pu.ForceQuery {
				err = fmt.Errorf("an issuer has no query or fragment (RFC 8414 §2)")
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%w: authentication.oauth-public.issuer: %v", ErrUnpublishable, err)
		}
		auth["oauth-public"] = map[string]any{"issuer": c.OAuthIssuer}
	}
	if c.Password == PasswordNo && c.OAuthIssuer == "" {
		return nil, fmt.Errorf("%w: password false without an OAuth issuer leaves no way to log in", ErrUnpublishable)
	}
	doc["authentication"] = auth

	if c.ProviderName == "" {
		return nil, fmt.Errorf("%w: no provider name", ErrUnpublishable)
	}
	provider := map[string]any{}
	for _, t := range []struct{ key, text string }{
		{"name", c.ProviderName}, {"shortName", c.ProviderShortName},
	} {
		if t.text == "" {
			continue
		}
		if !sanitize.IsClean(t.text, MaxTextLen) {
			return nil, fmt.Errorf("%w: info.provider.%s has control or bidi characters, extra spaces, or is over %d bytes", ErrUnpublishable, t.key, MaxTextLen)
		}
		provider[t.key] = t.text
	}
	info := map[string]any{"provider": provider}
	if c.DocumentationURL != "" {
		if _, err := checkURL(c.DocumentationURL); err != nil {
			return nil, fmt.Errorf("%w: info.help.documentation: %v", ErrUnpublishable, err)
		}
		info["help"] = map[string]any{"documentation": c.DocumentationURL}
	}
	doc["info"] = info

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnpublishable, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// pick returns the server to publish for a protocol.
func pick(key string, servers []Server, port int) (Server, error) {
	var starttls, implicit bool
	for _, s := range servers {
		if s.TLS == ImplicitTLS && s.Port == port {
			h, err := hostname.Canonical(s.Host, hostname.Server)
			if err != nil {
				return Server{}, fmt.Errorf("%w: protocols.%s.host: %v", ErrUnpublishable, key, err)
			}
			if h != s.Host {
				return Server{}, fmt.Errorf("%w: protocols.%s.host %q is not a lower-case A-label name (%q)", ErrUnpublishable, key, s.Host, h)
			}
			return s, nil
		}
		starttls = starttls || s.TLS == STARTTLS
		implicit = implicit || s.TLS == ImplicitTLS
	}
	if starttls && !implicit {
		return Server{}, fmt.Errorf("%w: %s (PACC lists only implicit TLS on port %d)", ErrSTARTTLSOnly, key, port)
	}
	return Server{}, fmt.Errorf("%w: %s has no server with implicit TLS on port %d, the only form PACC can express", ErrUnpublishable, key, port)
}
