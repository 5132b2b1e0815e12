package main

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// runList is "mailsettings list": the providers of the built-in database
// and their domains, or with -domains one line per domain; FILTERs keep
// those whose id, name or a domain contains one of them.
func runList(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "list", "[-json] [-domains] [FILTER... | -]\n"+
		"A FILTER keeps the providers whose id, name or one of whose domains contains it (qq, gmail.com, 网易, 例子.中国).", true)
	perDomain := s.fs.Bool("domains", false, "one line per domain, not per provider")
	rest, code, ok := s.parse(args)
	if !ok {
		return code
	}
	in := s.input(rest)
	var filters []string
	for f := range in.All() {
		filters = append(filters, f)
	}
	hits := make([]bool, len(filters))
	t := cli.Table{}
	if !*s.json {
		if *perDomain {
			t.Row(s.lang.T("h.domain"), s.lang.T("h.id"), s.lang.T("h.name"))
		} else {
			t.Row(s.lang.T("h.id"), s.lang.T("h.name"), s.lang.T("h.password"), s.lang.T("h.domains"))
		}
	}
	j := &cli.JSONLines{W: s.out}
	for p := range mailsettings.Providers() {
		if ctx.Err() != nil {
			break
		}
		info := p.Info()
		domains := info.Domains
		if len(filters) > 0 {
			matched := false
			for i, f := range filters {
				if matches(info, f) {
					hits[i], matched = true, true
				}
			}
			if !matched {
				continue
			}
		}
		switch {
		case *perDomain && *s.json:
			for _, d := range domains {
				j.Write(domainLine{Domain: d, UnicodeDomain: unicodeOf(d), ProviderID: info.ID, ProviderName: info.Name})
			}
		case *perDomain:
			for _, d := range domains {
				t.Row(domainText(d, unicodeOf(d)), info.ID, p.NameIn(s.lang.Tag()))
			}
		case *s.json:
			j.Write(newProviderLine(info))
		default:
			t.Row(info.ID, p.NameIn(s.lang.Tag()), passwordText(info.Password), domainsText(s.lang, domains))
		}
	}
	if !*s.json {
		t.WriteTo(s.out)
	}
	failed := ctx.Err() != nil
	for i, hit := range hits {
		if !hit {
			failed = true
			s.flush()
			s.e.stderr.Write([]byte("mailsettings list: " + s.lang.T("list.none", "filter", cli.Clean(filters[i])) + "\n"))
		}
	}
	return s.finish(in, failed)
}

// matches reports whether filter f is in p's id or name or one of its
// domains, ignoring case; a filter that is a domain in Unicode or with
// capitals matches its A-label too.
func matches(info mailsettings.ProviderInfo, f string) bool {
	f = strings.ToLower(strings.TrimSpace(f))
	if f == "" {
		return false
	}
	alt := ""
	if q, err := address.Parse(f); err == nil && q.Local == "" {
		alt = q.Domain
	}
	if strings.Contains(strings.ToLower(info.ID), f) || strings.Contains(strings.ToLower(info.Name), f) {
		return true
	}
	for _, d := range info.Domains {
		if strings.Contains(d, f) || alt != "" && strings.Contains(d, alt) || strings.Contains(unicodeOf(d), f) {
			return true
		}
	}
	return false
}

// unicodeOf returns the U-label form of an A-label domain.
func unicodeOf(d string) string {
	if !strings.Contains(d, "xn--") {
		return d
	}
	if q, err := address.Parse(d); err == nil {
		return q.Unicode
	}
	return d
}

// domainsText shows up to three domains and the count.
func domainsText(l cli.Lang, domains []string) string {
	const show = 3
	if len(domains) <= show {
		return strings.Join(domains, ", ")
	}
	return strings.Join(domains[:show], ", ") + ", … " + l.T("in_all", "n", strconv.Itoa(len(domains)))
}

// providerLine is one line of list -json.
type providerLine struct {
	ID          string                        `json:"id"`
	Name        string                        `json:"name"`
	Domains     []string                      `json:"domains"`
	Endpoints   []mailsettings.ServerEndpoint `json:"endpoints"`
	Password    string                        `json:"password"`
	DocURL      string                        `json:"doc_url,omitempty"`
	Source      string                        `json:"source,omitempty"`
	LastChecked string                        `json:"last_checked,omitempty"`
}

func newProviderLine(info mailsettings.ProviderInfo) providerLine {
	domains := info.Domains
	if domains == nil {
		domains = []string{}
	}
	return providerLine{ID: info.ID, Name: info.Name, Domains: domains, Endpoints: info.Endpoints, Password: passwordText(info.Password),
		DocURL: info.DocURL, Source: info.Source, LastChecked: info.LastChecked}
}

// domainLine is one line of list -json -domains.
type domainLine struct {
	Domain        string `json:"domain"`
	UnicodeDomain string `json:"unicode_domain"`
	ProviderID    string `json:"provider_id"`
	ProviderName  string `json:"provider_name"`
}

// passwordText is the password kind as the library's JSON writes it:
// "unknown" for the zero kind.
func passwordText(k mailsettings.PasswordKind) string { return cmp.Or(string(k), "unknown") }
