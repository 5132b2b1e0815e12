package mailsettings

import (
	"slices"
	"strings"
	"testing"
)

// ispdbLayer decodes the ISPDB layer, failing the test if it does not
// decode.
func ispdbLayer(t testing.TB) []ProviderInfo {
	t.Helper()
	layer, err := decodeISPDB(ispdbData)
	if err != nil {
		t.Fatal(err)
	}
	return layer
}

// layers returns the data layers in table order, named.
func layers(t testing.TB) map[string][]ProviderInfo {
	return map[string][]ProviderInfo{
		"curated": append(curatedProviders(), cnProviders()...),
		"hosted":  hostedProviders(),
		"ispdb":   ispdbLayer(t),
	}
}

// TestNoDomainTwiceInALayer: within one layer a domain belongs to one
// provider. Between layers the earlier one wins on purpose (the curated
// overlay corrects the ISPDB); those overrides are logged.
func TestNoDomainTwiceInALayer(t *testing.T) {
	tab := builtinTable()
	for name, layer := range layers(t) {
		owner := map[string]string{}
		for _, p := range layer {
			for _, d := range p.Domains {
				if prev, dup := owner[d]; dup {
					t.Errorf("%s layer: domain %s listed by %s and %s", name, d, prev, p.ID)
				}
				owner[d] = p.ID
				if got := tab.byDomain[d]; !got.IsZero() && got.info.ID != p.ID && name == "ispdb" {
					t.Logf("ISPDB %s: %s is served by curated %s", p.ID, d, got.info.ID)
				}
			}
		}
	}
}

// TestUnusualEndpointsAreVerified checks that every unusual port and
// encryption pairing in the table has a source, and that the list of
// verified ones holds nothing stale.
func TestUnusualEndpointsAreVerified(t *testing.T) {
	verified := verifiedUnusualEndpoints()
	used := map[ServerEndpoint]bool{}
	for _, p := range builtinTable().providers {
		for _, e := range p.info.Endpoints {
			if !unusualEndpoint(e) {
				continue
			}
			if verified[e] == "" {
				t.Errorf("%s: unusual endpoint %v is neither fixed nor verified", p.info.ID, e)
			}
			used[e] = true
		}
	}
	for e := range verified {
		if !used[e] {
			t.Errorf("verified endpoint %v is not in the table", e)
		}
	}
	for _, tt := range []struct {
		e    ServerEndpoint
		want bool
	}{
		{ep(SMTP, "x.example", 587, ImplicitTLS, addr), true},
		{ep(SMTP, "x.example", 465, STARTTLS, addr), true},
		{ep(IMAP, "x.example", 993, Plaintext, addr), true},
		{ep(POP3, "x.example", 993, ImplicitTLS, addr), true},
		{ep(IMAP, "x.example", 587, STARTTLS, addr), true},
		{ep(SMTP, "x.example", 587, STARTTLS, addr), false},
		{ep(SMTP, "x.example", 994, ImplicitTLS, addr), false},
		{ep(POP3, "x.example", 110, Plaintext, addr), false},
	} {
		if got := unusualEndpoint(tt.e); got != tt.want {
			t.Errorf("unusualEndpoint(%v) = %v, want %v", tt.e, got, tt.want)
		}
	}
}

// TestNoPlaceholders: no string in the data holds an autoconfig
// placeholder; usernames are the typed UsernameForm values, the only
// documented placeholders.
func TestNoPlaceholders(t *testing.T) {
	for _, p := range builtinTable().providers {
		i := p.info
		fields := []string{i.ID, i.Name, i.DocURL, i.SettingsURL, i.Source, i.LastChecked}
		fields = append(fields, i.Domains...)
		for _, e := range i.Endpoints {
			fields = append(fields, e.Host)
			if !e.Username.Valid() {
				t.Errorf("%s: endpoint %v has no username form", i.ID, e)
			}
		}
		for _, n := range i.Notes {
			fields = append(fields, n.Text.String(), zhHans(n.Text), n.URL)
		}
		if o := i.OAuth2; o != nil {
			fields = append(fields, o.Issuer, o.AuthURL, o.TokenURL)
			fields = append(fields, o.Scopes...)
		}
		for _, f := range fields {
			if strings.Contains(f, "%EMAIL") || strings.Contains(f, "%25EMAIL") {
				t.Errorf("%s: placeholder in %q", i.ID, f)
			}
		}
	}
}

// TestPlaintextNeverPreferred: for every provider and protocol, Best
// returns an encrypted endpoint whenever one exists.
func TestPlaintextNeverPreferred(t *testing.T) {
	plaintextOnly := 0
	for _, p := range builtinTable().providers {
		s := Settings{Provider: p}
		for _, proto := range []Protocol{IMAP, POP3, SMTP} {
			best, ok := s.Best(proto)
			if !ok {
				continue
			}
			encrypted := slices.ContainsFunc(p.info.Endpoints, func(e ServerEndpoint) bool {
				return e.Protocol == proto && e.Encryption != Plaintext
			})
			if encrypted && best.Encryption == Plaintext {
				t.Errorf("%s: Best(%v) = %v although an encrypted endpoint exists", p.info.ID, proto, best)
			}
		}
		if p.PlaintextOnly() {
			plaintextOnly++
		}
	}
	t.Logf("%d providers offer some protocol only in plaintext (flagged by PlaintextOnly and a note)", plaintextOnly)
}

// chineseLanguageDomains returns the table's domains that are under .cn,
// .hk or .tw, or belong to a provider based in mainland China, Hong Kong or
// Taiwan.
func chineseLanguageDomains() []string {
	cnProviderIDs := map[string]bool{"aliyun": true, "ispdb:126.com": true, "ispdb:163.com": true, "ispdb:yeah.net": true, "ispdb:qq.com": true}
	for _, p := range cnProviders() {
		cnProviderIDs[p.ID] = true
	}
	var out []string
	for d, p := range builtinTable().byDomain {
		id := p.info.ID
		if strings.HasSuffix(d, ".cn") || strings.HasSuffix(d, ".hk") || strings.HasSuffix(d, ".tw") ||
			cnProviderIDs[id] || id == "qq" || strings.HasPrefix(id, "netease-") {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// TestChineseLanguageDomains pins the honest count of confirmed CN/HK/TW
// domains (the issue asks for 35; see TestUnconfirmedLeftOut and the data
// notes for what could not be confirmed) so that a record lost by accident
// is noticed.
func TestChineseLanguageDomains(t *testing.T) {
	got := chineseLanguageDomains()
	t.Logf("%d CN/HK/TW domains: %v", len(got), got)
	for _, want := range []string{"qq.com", "foxmail.com", "vip.qq.com", "163.com", "126.com", "yeah.net", "aliyun.com", "live.cn", "hotmail.com.tw", "fastmail.cn", "gmx.hk"} {
		if !slices.Contains(got, want) {
			t.Errorf("%s missing", want)
		}
	}
	if len(got) < 20 {
		t.Errorf("%d CN/HK/TW domains, want at least 20", len(got))
	}
}

// TestUnconfirmedLeftOut: the curated layers hold no domain that the
// research notes (../notes/providers-research.md) mark unconfirmed or
// could not tie to any host list. A later source may confirm one; then
// move it from this list to a record with that source. (vip.qq.com is
// unconfirmed too, but the project's seed table lists it as QQ Mail.)
func TestUnconfirmedLeftOut(t *testing.T) {
	unconfirmed := []string{
		"vip.188.com", "sina.com", "sina.cn", "vip.sina.com", "sohu.com", "vip.sohu.com",
		"139.com", "189.cn", "wo.cn", "21cn.com", "tom.com", "263.net", "yahoo.com.tw", "yahoo.com.hk",
		"hinet.net", "msa.hinet.net", "netvigator.com",
	}
	for name, layer := range layers(t) {
		if name == "ispdb" {
			continue // the ISPDB's own data; an upstream addition is its own source
		}
		for _, p := range layer {
			for _, d := range p.Domains {
				if slices.Contains(unconfirmed, d) {
					t.Errorf("%s layer: %s lists unconfirmed domain %s", name, p.ID, d)
				}
			}
		}
	}
}
