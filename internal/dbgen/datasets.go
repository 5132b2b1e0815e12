package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// A claim is what one entry of a source states: these endpoints, for these
// domains. Claims of the datasets (MailCore2, K-9, nodemailer), and those of
// the ISPDB and provider-db for domains that another record serves, are
// compared with the table: an endpoint they share is corroborated, one the
// table lacks is a disagreement that a person decides (see decisions.Claims).
type claim struct {
	src source
	// domains the entry is for; matches, if set, decides instead
	// (MailCore2's domain-match regular expressions).
	domains   []string
	matches   func(domain string) bool
	endpoints []mailsettings.ServerEndpoint
}

// covers reports whether the claim is about domain d.
func (c *claim) covers(d string) bool {
	if c.matches != nil {
		return c.matches(d)
	}
	return slices.Contains(c.domains, d)
}

// Dates of the dataset snapshots' data (SOURCE files): when their content
// last changed.
const (
	mailcore2Date  = "2020-07"
	k9Date         = "2022-06"
	nodemailerDate = "" // the snapshot is of 2026-08; when its data last changed is not known
)

// readMailCore2 reads MailCore2's providers.json. Entries without a
// domain-match list are templates (default, zimbra, ...) or hosters whose
// claims still corroborate by host; host names with "{domain}" are
// templates and skipped.
func readMailCore2(path string) ([]*claim, []drop, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	type server struct {
		Hostname string `json:"hostname"`
		Port     int    `json:"port"`
		SSL      bool   `json:"ssl"`
		STARTTLS bool   `json:"starttls"`
	}
	var doc map[string]struct {
		Servers       map[string][]server `json:"servers"`
		DomainMatch   []string            `json:"domain-match"`
		DomainExclude []string            `json:"domain-exclude"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("dbgen: %s: %w", path, err)
	}
	var out []*claim
	var drops []drop
	for _, name := range sortedKeys(doc) {
		entry := doc[name]
		c := &claim{src: source{Kind: kindDataset, Ref: "mailcore2:" + name, Group: "mailcore2", date: mailcore2Date}}
		match, err := anchored(entry.DomainMatch)
		if err != nil {
			return nil, nil, fmt.Errorf("dbgen: mailcore2 %s: %w", name, err)
		}
		exclude, err := anchored(entry.DomainExclude)
		if err != nil {
			return nil, nil, fmt.Errorf("dbgen: mailcore2 %s: %w", name, err)
		}
		if match != nil {
			c.matches = func(d string) bool { return match.MatchString(d) && (exclude == nil || !exclude.MatchString(d)) }
		} else {
			c.matches = func(string) bool { return false }
		}
		for _, proto := range sortedKeys(entry.Servers) {
			p, ok := map[string]mailsettings.Protocol{"imap": mailsettings.IMAP, "pop": mailsettings.POP3, "smtp": mailsettings.SMTP}[proto]
			if !ok {
				return nil, nil, fmt.Errorf("dbgen: mailcore2 %s: protocol %q", name, proto)
			}
			for _, s := range entry.Servers[proto] {
				if s.Hostname == "" || strings.Contains(s.Hostname, "{") || s.Port <= 0 || s.Port > 65535 {
					continue // a template
				}
				e := mailsettings.ServerEndpoint{Protocol: p, Host: strings.ToLower(s.Hostname), Port: uint16(s.Port),
					Encryption: mailsettings.Plaintext, Username: mailsettings.UsernameAddress}
				switch {
				case s.SSL:
					e.Encryption = mailsettings.ImplicitTLS
				case s.STARTTLS:
					e.Encryption = mailsettings.STARTTLS
				}
				if err := e.Validate(); err != nil {
					drops = append(drops, drop{c.src.Ref, e.String(), err.Error()})
					continue
				}
				c.endpoints = append(c.endpoints, e)
			}
		}
		out = append(out, c)
	}
	return out, drops, nil
}

// anchored compiles regular expressions that must match a whole domain.
func anchored(res []string) (*regexp.Regexp, error) {
	if len(res) == 0 {
		return nil, nil
	}
	return regexp.Compile("^(?:" + strings.Join(res, "|") + ")$")
}

// readK9 reads K-9 Mail's providers.xml. K-9 was partly synced from the
// ISPDB, so its claims are in the ISPDB's independence group.
func readK9(path string) ([]*claim, []drop, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	type server struct {
		URI      string `xml:"uri,attr"`
		Username string `xml:"username,attr"`
	}
	var doc struct {
		Providers []struct {
			ID       string   `xml:"id,attr"`
			Domain   string   `xml:"domain,attr"`
			Incoming []server `xml:"incoming"`
			Outgoing []server `xml:"outgoing"`
		} `xml:"provider"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("dbgen: %s: %w", path, err)
	}
	var out []*claim
	var drops []drop
	for _, p := range doc.Providers {
		d := strings.ToLower(p.Domain)
		ref := "k9:" + d
		c := &claim{src: source{Kind: kindDataset, Ref: ref, Group: "ispdb", date: k9Date}, domains: []string{d}}
		for _, s := range append(append([]server(nil), p.Incoming...), p.Outgoing...) {
			e, err := k9Endpoint(s.URI, s.Username)
			if err != nil {
				drops = append(drops, drop{ref, s.URI, err.Error()})
				continue
			}
			c.endpoints = append(c.endpoints, e)
		}
		out = append(out, c)
	}
	return out, drops, nil
}

// k9Endpoint reads a K-9 server URI such as "imap+ssl+://imap.gmail.com"
// (ssl is implicit TLS, tls is STARTTLS; the default ports are 993, 143,
// 465 and 587).
func k9Endpoint(uri, username string) (mailsettings.ServerEndpoint, error) {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return mailsettings.ServerEndpoint{}, fmt.Errorf("not a URI")
	}
	var e mailsettings.ServerEndpoint
	var port uint16
	switch scheme {
	case "imap+ssl+":
		e.Protocol, e.Encryption, port = mailsettings.IMAP, mailsettings.ImplicitTLS, 993
	case "imap+tls+":
		e.Protocol, e.Encryption, port = mailsettings.IMAP, mailsettings.STARTTLS, 143
	case "smtp+ssl+":
		e.Protocol, e.Encryption, port = mailsettings.SMTP, mailsettings.ImplicitTLS, 465
	case "smtp+tls+":
		e.Protocol, e.Encryption, port = mailsettings.SMTP, mailsettings.STARTTLS, 587
	default:
		return e, fmt.Errorf("scheme %q", scheme)
	}
	host, p, hasPort := strings.Cut(rest, ":")
	if hasPort {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return e, fmt.Errorf("port %q", p)
		}
		port = uint16(n)
	}
	if strings.Contains(host, "$") {
		return e, fmt.Errorf("a template host")
	}
	e.Host, e.Port = strings.ToLower(host), port
	switch username {
	case "$email":
		e.Username = mailsettings.UsernameAddress
	case "$user":
		e.Username = mailsettings.UsernameLocalPart
	default:
		return e, fmt.Errorf("username %q", username)
	}
	return e, e.Validate()
}

// readNodemailer reads nodemailer's services.json (SMTP only). "secure"
// means implicit TLS; without it nodemailer uses STARTTLS when offered, so
// an entry on port 587 counts as STARTTLS, and one on another port without
// "secure" (465 without secure is a trap; 25 is relay, not submission)
// states no encryption and is not counted.
func readNodemailer(path string) ([]*claim, []drop, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc map[string]struct {
		Domains    []string    `json:"domains"`
		Host       string      `json:"host"`
		Port       json.Number `json:"port"` // a number, once a string
		Secure     bool        `json:"secure"`
		RequireTLS bool        `json:"requireTLS"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("dbgen: %s: %w", path, err)
	}
	var out []*claim
	var drops []drop
	for _, name := range sortedKeys(doc) {
		s := doc[name]
		ref := "nodemailer:" + name
		c := &claim{src: source{Kind: kindDataset, Ref: ref, Group: "nodemailer", date: nodemailerDate}}
		for _, d := range s.Domains {
			c.domains = append(c.domains, strings.ToLower(d))
		}
		e := mailsettings.ServerEndpoint{Protocol: mailsettings.SMTP, Host: strings.ToLower(s.Host), Username: mailsettings.UsernameAddress}
		port, err := strconv.ParseUint(s.Port.String(), 10, 16)
		switch {
		case s.Host == "" || err != nil || port == 0:
			drops = append(drops, drop{ref, "entry", "no host or port"})
			continue
		case s.Secure:
			e.Encryption = mailsettings.ImplicitTLS
		case port == 587 || s.RequireTLS:
			e.Encryption = mailsettings.STARTTLS
		default:
			drops = append(drops, drop{ref, fmt.Sprintf("%s:%d", s.Host, port), "port without \"secure\" or STARTTLS: no encryption stated"})
			continue
		}
		e.Port = uint16(port)
		if err := e.Validate(); err != nil {
			drops = append(drops, drop{ref, e.String(), err.Error()})
			continue
		}
		c.endpoints = append(c.endpoints, e)
		out = append(out, c)
	}
	return out, drops, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// datasetsIn returns the claims of the three datasets under dir.
func datasetsIn(dir string) ([]*claim, []drop, error) {
	var all []*claim
	var drops []drop
	for _, r := range []struct {
		path string
		read func(string) ([]*claim, []drop, error)
	}{
		{filepath.Join(dir, "mailcore2", "providers.json"), readMailCore2},
		{filepath.Join(dir, "k9", "providers.xml"), readK9},
		{filepath.Join(dir, "nodemailer", "services.json"), readNodemailer},
	} {
		cs, ds, err := r.read(r.path)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, cs...)
		drops = append(drops, ds...)
	}
	return all, drops, nil
}
