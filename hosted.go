package mailsettings

import (
	"fmt"
	"strings"
)

// An mxRule says that a domain whose MX host matches pattern keeps its
// mailboxes at the provider with the given id. A pattern is an exact host
// name, or "*." followed by a suffix that matches any host below it (not
// the suffix itself).
type mxRule struct {
	pattern  string
	provider string
}

// LookupMX returns the provider that hosts the mailboxes of a domain whose
// MX record points at mxHost, such as "aspmx.l.google.com" (Google
// Workspace) or "mxbiz1.qq.com" (Tencent Exmail). It does no I/O: it matches
// mxHost against the built-in patterns, which are deliberately specific (an
// MX at mx1.qq.com is consumer QQ Mail and does not identify a hosted
// domain, while mxbiz1.qq.com is Tencent's enterprise service).
//
// DNS answers are unauthenticated: a match says who the domain's DNS claims
// hosts it, not that the domain's owner chose that provider.
func LookupMX(mxHost string) (Provider, bool) {
	q, err := parseQuery(strings.TrimSuffix(mxHost, "."))
	if err != nil || q.Local != "" {
		return Provider{}, false
	}
	t := builtinTable()
	host := q.Domain
	if id, ok := t.mxExact[host]; ok {
		return t.byID[id], true
	}
	for i := strings.IndexByte(host, '.'); i >= 0; i = strings.IndexByte(host, '.') {
		host = host[i+1:]
		if id, ok := t.mxSuffix[host]; ok {
			return t.byID[id], true
		}
	}
	return Provider{}, false
}

// indexMX adds MX rules to t. It reports rules that name an unknown
// provider or repeat a pattern; tests check that the built-in rules have
// none.
func (t *table) indexMX(rules []mxRule) error {
	var errs []string
	for _, r := range rules {
		if t.byID[r.provider].IsZero() {
			errs = append(errs, fmt.Sprintf("MX pattern %q names unknown provider %q", r.pattern, r.provider))
			continue
		}
		m, key := t.mxExact, r.pattern
		if s, ok := strings.CutPrefix(r.pattern, "*."); ok {
			m, key = t.mxSuffix, s
		}
		if _, dup := m[key]; dup {
			errs = append(errs, fmt.Sprintf("MX pattern %q listed twice", r.pattern))
			continue
		}
		m[key] = r.provider
	}
	if errs != nil {
		return fmt.Errorf("mailsettings: %s", strings.Join(errs, "; "))
	}
	return nil
}
