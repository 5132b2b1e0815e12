package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/db"
	"golang.org/x/net/publicsuffix"
)

// A generator merges the sources into one database. The order of
// precedence for a domain: a full record of the curated overlay, then the
// ISPDB, then provider-db. Endpoint facts are merged by key from every
// source (see claim); disagreements go to a person (decisions in the
// overlay).
type generator struct {
	ispdb   *ispdbSnapshot
	pdb     *pdbSnapshot
	claims  []*claim
	overlay []*overlayFile

	mxKeys    map[[2]string]*mxKeyDecision // (source, domain)
	keep      map[[2]string]*keepDecision
	skipFiles map[string]*skipDecision
	skipEps   map[[2]string]*skipEndpoint  // (source, endpoint)
	claimDec  map[[3]string]*claimDecision // (source, endpoint, provider)
	checked   map[key]string
	used      map[any]bool // decisions that applied; the others are stale

	providers     []*provider
	byID          map[string]*provider
	owner         map[string]*provider // domain -> provider
	fileDomains   map[string][]string  // source ref -> its mail domains (MX keys left out)
	fileProvider  map[string]*provider // source ref -> the record made from it
	mx            []db.MXRule
	mxTaken       map[string]string // pattern -> where it was set
	suffixes      []db.DomainSuffix
	disagreements []*disagreement

	drops []drop
	notes []string // what the generator did, for the report
}

// A disagreement: a source states an endpoint, for domains a provider
// serves, that the provider lacks.
type disagreement struct {
	src      source
	ep       mailsettings.ServerEndpoint
	provider *provider
	domains  []string
	decision *claimDecision
}

func (g *generator) logf(format string, args ...any) {
	g.notes = append(g.notes, fmt.Sprintf(format, args...))
}

// run builds the database.
func (g *generator) run() error {
	g.byID = map[string]*provider{}
	g.owner = map[string]*provider{}
	g.fileDomains = map[string][]string{}
	g.fileProvider = map[string]*provider{}
	g.mxTaken = map[string]string{}
	for _, step := range []func() error{
		g.indexDecisions, g.addOverlayRecords, g.addISPDB, g.addProviderDB, g.applyAmendments,
		g.addMXRules, g.dropEmpty, g.compareClaims, g.corroborate, g.applyChecked, g.fixNotes,
		g.checkEvidence, g.checkStale,
	} {
		if err := step(); err != nil {
			return err
		}
	}
	slices.SortFunc(g.providers, func(a, b *provider) int { return cmp.Compare(a.id, b.id) })
	for _, p := range g.providers {
		sortEndpoints(p.endpoints)
	}
	return nil
}

func (g *generator) indexDecisions() error {
	g.mxKeys = map[[2]string]*mxKeyDecision{}
	g.keep = map[[2]string]*keepDecision{}
	g.skipFiles = map[string]*skipDecision{}
	g.skipEps = map[[2]string]*skipEndpoint{}
	g.claimDec = map[[3]string]*claimDecision{}
	g.checked = map[key]string{}
	g.used = map[any]bool{}
	dup := func(what string) error { return fmt.Errorf("dbgen: overlay: %s decided twice", what) }
	for _, f := range g.overlay {
		for i := range f.MXKeys {
			d := &f.MXKeys[i]
			k := [2]string{d.Source, d.Domain}
			if g.mxKeys[k] != nil || g.keep[k] != nil {
				return dup(d.Source + " " + d.Domain)
			}
			g.mxKeys[k] = d
		}
		for i := range f.KeepDomains {
			d := &f.KeepDomains[i]
			k := [2]string{d.Source, d.Domain}
			if g.mxKeys[k] != nil || g.keep[k] != nil {
				return dup(d.Source + " " + d.Domain)
			}
			g.keep[k] = d
		}
		for i := range f.SkipFiles {
			d := &f.SkipFiles[i]
			if g.skipFiles[d.Source] != nil {
				return dup(d.Source)
			}
			g.skipFiles[d.Source] = d
		}
		for i := range f.SkipEndpoints {
			d := &f.SkipEndpoints[i]
			k, _ := parseKey(d.Endpoint)
			sk := [2]string{d.Source, k.String()}
			if g.skipEps[sk] != nil {
				return dup(d.Source + " " + d.Endpoint)
			}
			g.skipEps[sk] = d
		}
		for i := range f.Claims {
			d := &f.Claims[i]
			k, _ := parseKey(d.Endpoint)
			ck := [3]string{d.Source, k.String(), d.Provider}
			if g.claimDec[ck] != nil {
				return dup(d.Source + " " + d.Endpoint + " for " + d.Provider)
			}
			g.claimDec[ck] = d
		}
		for _, c := range f.Checked {
			k, _ := parseKey(c.Endpoint)
			g.checked[k] = newer(g.checked[k], c.Date)
		}
	}
	return nil
}

// register adds a new provider.
func (g *generator) register(p *provider) error {
	if g.byID[p.id] != nil {
		return fmt.Errorf("dbgen: provider id %q used twice (%s and %s)", p.id, g.byID[p.id].origin, p.origin)
	}
	g.byID[p.id] = p
	g.providers = append(g.providers, p)
	return nil
}

// own gives p the domains that no provider serves yet, and returns those
// another provider already serves.
func (g *generator) own(p *provider, domains []string) (taken []string) {
	var kept []string
	for _, d := range domains {
		switch q := g.owner[d]; {
		case q == p:
		case q != nil:
			taken = append(taken, d)
			continue
		default:
			g.owner[d] = p
		}
		if !slices.Contains(kept, d) {
			kept = append(kept, d)
		}
	}
	p.domains = kept
	return taken
}

// addOverlayRecords adds the full records of the overlay.
func (g *generator) addOverlayRecords() error {
	for _, f := range g.overlay {
		for i := range f.Providers {
			op := &f.Providers[i]
			if op.amendment() {
				continue
			}
			p := &provider{id: op.ID, origin: "overlay " + f.name}
			if err := g.applyOverlay(p, op); err != nil {
				return err
			}
			if err := g.register(p); err != nil {
				return err
			}
			if taken := g.own(p, op.Domains); len(taken) > 0 {
				return fmt.Errorf("dbgen: curated/%s: %s: domains %v are claimed by another overlay record", f.name, op.ID, taken)
			}
		}
	}
	return nil
}

// applyOverlay sets the fields an overlay record gives.
func (g *generator) applyOverlay(p *provider, op *overlayProvider) error {
	if op.Name != "" {
		p.name = op.Name
	}
	if n := op.Names["zh-Hans"]; n != "" {
		p.nameHans = n
	}
	if n := op.Names["zh-Hant"]; n != "" {
		p.nameHant = n
	}
	p.suffixes = append(p.suffixes, op.DomainSuffixes...)
	p.mx = append(p.mx, op.MX...)
	for i := range op.Endpoints {
		e, err := op.Endpoints[i].endpoint()
		if err != nil {
			return err
		}
		if old := p.endpoint(e.key); old != nil {
			old.addSources(e.sources...)
			old.checked = newer(old.checked, e.checked)
			continue
		}
		p.endpoints = append(p.endpoints, e)
	}
	if op.Password != "" {
		k, err := parsePassword(op.Password)
		if err != nil {
			return err
		}
		p.password = k
	}
	p.imapID = p.imapID || op.IMAPID
	if op.DocURL != "" {
		p.docURL = op.DocURL
	}
	if op.SettingsURL != "" {
		p.settingsURL = op.SettingsURL
	}
	if o := op.OAuth2; o != nil {
		p.oauth2 = &mailsettings.OAuth2{Issuer: o.Issuer, Scopes: slices.Clone(o.Scopes), AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	if len(op.Notes) > 0 {
		p.notes = slices.DeleteFunc(p.notes, func(n note) bool { return n.stock != db.StockPlaintext })
		for i := range op.Notes {
			n, err := op.Notes[i].note()
			if err != nil {
				return err
			}
			p.notes = append(p.notes, n)
		}
		p.curatedNotes = true
	}
	for _, s := range op.Sources {
		p.addSource(s)
	}
	return nil
}

// mailDomains splits a source's domains into mail domains and MX keys,
// following the decisions; flagged domains (listed under an MX comment)
// must have one.
func (g *generator) mailDomains(ref string, domains, flagged []string) ([]string, error) {
	var out []string
	for _, d := range domains {
		k := [2]string{ref, d}
		switch {
		case g.mxKeys[k] != nil:
			g.used[g.mxKeys[k]] = true
			continue
		case g.keep[k] != nil:
			g.used[g.keep[k]] = true
		case slices.Contains(flagged, d):
			return nil, fmt.Errorf("dbgen: %s lists %s under a comment about MX: decide in the overlay whether it is an MX key (mx_keys) or a mail domain (keep_domains)", ref, d)
		}
		out = append(out, d)
	}
	return out, nil
}

// addISPDB adds the records of the ISPDB.
func (g *generator) addISPDB() error {
	for _, f := range g.ispdb.files {
		if d := g.skipFiles[f.ref]; d != nil {
			g.used[d] = true
			continue
		}
		src := source{Kind: kindCurated, Ref: f.ref, Group: "ispdb", date: g.ispdb.date}
		for _, info := range f.infos {
			domains, err := g.mailDomains(f.ref, info.Domains, f.mxFlagged)
			if err != nil {
				return err
			}
			g.fileDomains[f.ref] = append(g.fileDomains[f.ref], domains...)
			p, err := g.fromInfo(info, src)
			if err != nil {
				return err
			}
			c := &claim{src: src, domains: domains}
			for _, e := range p.endpoints {
				c.endpoints = append(c.endpoints, mailsettings.ServerEndpoint{Protocol: e.proto, Host: e.host, Port: e.port, Encryption: e.enc, Username: e.user})
			}
			g.claims = append(g.claims, c)
			if len(f.infos) == 1 {
				g.fileProvider[f.ref] = p
			}
			if err := g.register(p); err != nil {
				return err
			}
			for _, d := range g.own(p, domains) {
				g.logf("%s: %s is served by %s (%s)", f.ref, d, g.owner[d].id, g.owner[d].origin)
			}
		}
	}
	return nil
}

// fromInfo converts a parsed ISPDB record.
func (g *generator) fromInfo(info mailsettings.ProviderInfo, src source) (*provider, error) {
	p := &provider{
		id: info.ID, name: info.Name, origin: "ispdb", docURL: info.DocURL, settingsURL: info.SettingsURL,
		password: info.Password, imapID: info.IMAPID, sources: []source{src},
	}
	if o := info.OAuth2; o != nil {
		p.oauth2 = &mailsettings.OAuth2{Issuer: o.Issuer, Scopes: slices.Clone(o.Scopes), AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	for _, e := range info.Endpoints {
		k := keyOf(e)
		if d := g.skipEps[[2]string{src.Ref, k.String()}]; d != nil {
			g.used[d] = true
			g.drops = append(g.drops, drop{src.Ref, k.String(), "left out by the overlay: " + d.Why})
			continue
		}
		if p.endpoint(k) != nil {
			g.drops = append(g.drops, drop{src.Ref, e.String(), "listed twice (with another username form)"})
			continue
		}
		p.endpoints = append(p.endpoints, &endpoint{key: k, user: e.Username, sources: []source{src}})
	}
	for _, n := range info.Notes {
		switch n.Kind {
		case mailsettings.NoteEnable:
			p.notes = append(p.notes, note{kind: n.Kind, stock: db.StockEnable, url: n.URL})
		case mailsettings.NotePlaintext:
			// Recomputed by fixNotes.
		default:
			return nil, fmt.Errorf("dbgen: %s: the autoconfig parser returned a note of kind %v, which the generator cannot carry", src.Ref, n.Kind)
		}
	}
	return p, nil
}

// addProviderDB adds provider-db: its domains that no record serves yet
// join the record that serves its other domains when that record agrees
// with it (see joinTarget), and form a record of their own otherwise; its
// hints become notes of records without curated notes.
func (g *generator) addProviderDB() error {
	for _, f := range g.pdb.files {
		if d := g.skipFiles[f.ref]; d != nil {
			g.used[d] = true
			continue
		}
		date := f.LastChecked
		if date == "" {
			date = g.pdb.date
		}
		src := source{Kind: kindCurated, Ref: f.ref, Group: "provider-db", date: date}
		domains, err := g.mailDomains(f.ref, f.Domains, nil)
		if err != nil {
			return err
		}
		g.fileDomains[f.ref] = domains
		c := &claim{src: src, domains: domains}
		for _, s := range f.Servers {
			e, err := s.endpoint()
			if err != nil {
				g.drops = append(g.drops, drop{f.ref, s.Type + " " + s.Hostname + ":" + s.Port, err.Error()})
				continue
			}
			if d := g.skipEps[[2]string{f.ref, keyOf(e).String()}]; d != nil {
				g.used[d] = true
				g.drops = append(g.drops, drop{f.ref, keyOf(e).String(), "left out by the overlay: " + d.Why})
				continue
			}
			c.endpoints = append(c.endpoints, e)
		}
		g.claims = append(g.claims, c)
		hint, hasHint := hintNote(f)
		var free []string
		owners := map[*provider]bool{}
		for _, d := range domains {
			if p := g.owner[d]; p != nil {
				owners[p] = true
			} else {
				free = append(free, d)
			}
		}
		for _, p := range sortedProviders(owners) {
			p.addSource(src)
			if hasHint && !p.curatedNotes && !slices.ContainsFunc(p.notes, func(n note) bool { return n.text == hint.text }) {
				p.notes = append(p.notes, hint)
			}
		}
		if len(free) == 0 {
			continue
		}
		if host := g.joinTarget(owners, c.endpoints); host != nil {
			host.domains = append(host.domains, free...)
			for _, d := range free {
				g.owner[d] = host
			}
			g.logf("%s: %s join %s, which serves its other domains", f.ref, strings.Join(free, " "), host.id)
			continue
		}
		if len(c.endpoints) == 0 {
			g.drops = append(g.drops, drop{f.ref, "domains " + strings.Join(free, " "), "no servers listed (status " + f.Status + ") and no record serves its other domains: nothing to add"})
			continue
		}
		p := &provider{id: free[0], name: f.Name, origin: "provider-db", sources: []source{src}}
		for _, e := range c.endpoints {
			k := keyOf(e)
			if p.endpoint(k) == nil {
				p.endpoints = append(p.endpoints, &endpoint{key: k, user: e.Username, sources: []source{src}})
			}
		}
		if hasHint {
			p.notes = append(p.notes, hint)
		}
		if err := g.register(p); err != nil {
			return err
		}
		g.fileProvider[f.ref] = p
		g.own(p, free)
		if len(owners) > 0 {
			g.logf("%s: %s form record %s; the record serving its other domains has none of its servers", f.ref, strings.Join(free, " "), p.id)
		}
	}
	return nil
}

// joinTarget returns the provider that the free domains of a provider-db
// file join: the one provider among owners (those serving the file's other
// domains), if the file lists no server or the provider offers at least
// one of them. Endpoints of the file that it lacks remain claims for a
// person to decide (see compareClaims).
func (g *generator) joinTarget(owners map[*provider]bool, eps []mailsettings.ServerEndpoint) *provider {
	if len(owners) != 1 {
		return nil
	}
	for p := range owners {
		if len(eps) == 0 || slices.ContainsFunc(eps, func(e mailsettings.ServerEndpoint) bool { return p.endpoint(keyOf(e)) != nil }) {
			return p
		}
	}
	return nil
}

func sortedProviders(set map[*provider]bool) []*provider {
	out := make([]*provider, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *provider) int { return cmp.Compare(a.id, b.id) })
	return out
}

// applyAmendments applies the overlay records that amend generated ones.
func (g *generator) applyAmendments() error {
	for _, f := range g.overlay {
		for i := range f.Providers {
			op := &f.Providers[i]
			if !op.amendment() {
				continue
			}
			p := g.byID[op.Amends]
			if p == nil {
				return fmt.Errorf("dbgen: curated/%s: %s amends %q, which is no provider", f.name, op.ID, op.Amends)
			}
			if err := g.applyOverlay(p, op); err != nil {
				return fmt.Errorf("dbgen: curated/%s: %s: %w", f.name, op.ID, err)
			}
			for _, d := range op.Domains {
				switch q := g.owner[d]; {
				case q == p:
				case q != nil:
					return fmt.Errorf("dbgen: curated/%s: %s adds %s to %s, but %s serves it", f.name, op.ID, d, p.id, q.id)
				default:
					g.owner[d] = p
					p.domains = append(p.domains, d)
				}
			}
		}
	}
	return nil
}

// addMXRules collects the MX patterns of the overlay records and the MX
// key decisions, and the domain suffixes.
func (g *generator) addMXRules() error {
	add := func(pattern, id, where string) error {
		if prev, dup := g.mxTaken[pattern]; dup {
			return fmt.Errorf("dbgen: MX pattern %q set by %s and %s", pattern, prev, where)
		}
		g.mxTaken[pattern] = where
		g.mx = append(g.mx, db.MXRule{Pattern: pattern, Provider: id})
		return nil
	}
	for _, p := range g.providers {
		for _, m := range p.mx {
			if err := add(m, p.id, "overlay record "+p.id); err != nil {
				return err
			}
		}
		for _, s := range p.suffixes {
			if g.owner[s] != nil && g.owner[s] != p {
				return fmt.Errorf("dbgen: domain suffix %s of %s is a mail domain of %s", s, p.id, g.owner[s].id)
			}
			g.suffixes = append(g.suffixes, db.DomainSuffix{Suffix: s, Provider: p.id})
		}
	}
	for _, f := range g.overlay {
		for i := range f.MXKeys {
			d := &f.MXKeys[i]
			if !g.used[d] {
				continue // reported by checkStale
			}
			if p := g.owner[d.Domain]; p != nil {
				return fmt.Errorf("dbgen: %s is an MX key (%s), but %s lists it as a mail domain", d.Domain, d.Source, p.id)
			}
			if len(d.MX) == 0 {
				g.logf("%s: MX key %s dropped (%s)", d.Source, d.Domain, d.Why)
				continue
			}
			target := g.byID[d.Provider]
			if d.Provider == "" {
				for _, dom := range g.fileDomains[d.Source] {
					if target = g.owner[dom]; target != nil {
						break
					}
				}
				if target == nil {
					target = g.fileProvider[d.Source]
				}
			}
			if target == nil {
				return fmt.Errorf("dbgen: MX key %s of %s: no provider to point at", d.Domain, d.Source)
			}
			for _, m := range d.MX {
				if err := add(m, target.id, "mx_keys "+d.Source+" "+d.Domain); err != nil {
					return err
				}
				target.mx = append(target.mx, m)
			}
			g.logf("%s: MX key %s becomes %s for %s", d.Source, d.Domain, strings.Join(d.MX, " "), target.id)
		}
	}
	slices.SortFunc(g.mx, func(a, b db.MXRule) int { return cmp.Compare(a.Pattern, b.Pattern) })
	slices.SortFunc(g.suffixes, func(a, b db.DomainSuffix) int { return cmp.Compare(a.Suffix, b.Suffix) })
	return nil
}

// dropEmpty removes the records that serve no domain and no MX pattern or
// suffix: ISPDB and provider-db records whose domains other records took.
func (g *generator) dropEmpty() error {
	g.providers = slices.DeleteFunc(g.providers, func(p *provider) bool {
		if len(p.domains) > 0 || len(p.mx) > 0 || len(p.suffixes) > 0 {
			return false
		}
		if !strings.HasPrefix(p.origin, "overlay") {
			g.logf("%s record %s left out: other records serve all its domains", p.origin, p.id)
		}
		delete(g.byID, p.id)
		return true
	})
	for _, p := range g.providers {
		if len(p.endpoints) == 0 && (!p.curatedNotes || len(p.domains) == 0) {
			return fmt.Errorf("dbgen: provider %s (%s) has no endpoint, and no domain and curated note to say so", p.id, p.origin)
		}
	}
	return nil
}

// compareClaims finds, for every claim and every provider serving a domain
// the claim covers, the endpoints the claim states and the provider lacks,
// and applies the decisions about them.
func (g *generator) compareClaims() error {
	// Stronger claims first, so that a decision is needed for the
	// strongest source that states an endpoint, and the weaker ones that
	// repeat it then agree.
	claims := slices.Clone(g.claims)
	slices.SortStableFunc(claims, func(a, b *claim) int { return cmp.Compare(grade([]source{b.src}), grade([]source{a.src})) })
	for _, c := range claims {
		covered := map[*provider][]string{}
		for _, p := range g.providers {
			for _, d := range p.domains {
				if c.covers(d) {
					covered[p] = append(covered[p], d)
				}
			}
		}
		for _, p := range sortedProviders(keysOf(covered)) {
			for _, e := range c.endpoints {
				k := keyOf(e)
				if p.endpoint(k) != nil {
					continue
				}
				dis := &disagreement{src: c.src, ep: e, provider: p, domains: covered[p]}
				dis.decision = g.claimDec[[3]string{c.src.Ref, k.String(), p.id}]
				g.disagreements = append(g.disagreements, dis)
				if dis.decision == nil {
					continue
				}
				g.used[dis.decision] = true
				if dis.decision.Decision == "accept" {
					ne := &endpoint{key: k, user: e.Username, sources: []source{c.src}}
					ne.addSources(dis.decision.Sources...)
					p.endpoints = append(p.endpoints, ne)
				}
			}
		}
	}
	return nil
}

func keysOf[V any](m map[*provider]V) map[*provider]bool {
	out := map[*provider]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// corroborate adds to every endpoint the sources of every claim that
// states it. An overlay source that names a snapshot entry (such as
// "ispdb:qq.com.xml") must be one that states the endpoint: the overlay
// cannot borrow a snapshot's grade for a fact the snapshot does not give.
func (g *generator) corroborate() error {
	byKey := map[key][]source{}
	known := map[string]bool{}
	for _, c := range g.claims {
		known[c.src.Ref] = true
		for _, e := range c.endpoints {
			byKey[keyOf(e)] = append(byKey[keyOf(e)], c.src)
		}
	}
	for _, p := range g.providers {
		for _, e := range p.endpoints {
			for _, s := range e.sources {
				if snapshotRef(s.Ref) && !slices.ContainsFunc(byKey[e.key], func(t source) bool { return t.Ref == s.Ref }) {
					return fmt.Errorf("dbgen: %s: endpoint %v cites %s, which does not state it", p.id, e.key, s.Ref)
				}
			}
			e.addSources(byKey[e.key]...)
		}
		for _, s := range p.sources {
			if snapshotRef(s.Ref) && !known[s.Ref] {
				return fmt.Errorf("dbgen: %s cites %s, which is no snapshot entry", p.id, s.Ref)
			}
		}
	}
	return nil
}

// snapshotRef reports whether ref names an entry of a snapshot the
// generator reads.
func snapshotRef(ref string) bool {
	for _, p := range []string{"ispdb:", "provider-db:", "mailcore2:", "k9:", "nodemailer:"} {
		if strings.HasPrefix(ref, p) {
			return true
		}
	}
	return false
}

// applyChecked applies the re-check dates.
func (g *generator) applyChecked() error {
	seen := map[key]bool{}
	for _, p := range g.providers {
		for _, e := range p.endpoints {
			if d, ok := g.checked[e.key]; ok {
				e.checked = newer(e.checked, d)
				seen[e.key] = true
			}
		}
	}
	for k := range g.checked {
		if !seen[k] {
			return fmt.Errorf("dbgen: overlay: checked date for %v, which no provider has", k)
		}
	}
	return nil
}

// fixNotes gives every provider that offers some protocol only in
// plaintext the stock plaintext note, and no other provider.
func (g *generator) fixNotes() error {
	for _, p := range g.providers {
		p.notes = slices.DeleteFunc(p.notes, func(n note) bool { return n.stock == db.StockPlaintext })
		if plaintextOnly(p) {
			p.notes = append(p.notes, note{kind: mailsettings.NotePlaintext, stock: db.StockPlaintext})
		}
	}
	return nil
}

func plaintextOnly(p *provider) bool {
	for _, proto := range []mailsettings.Protocol{mailsettings.IMAP, mailsettings.POP3, mailsettings.SMTP} {
		offered, encrypted := false, false
		for _, e := range p.endpoints {
			if e.proto == proto {
				offered = true
				encrypted = encrypted || e.enc != mailsettings.Plaintext
			}
		}
		if offered && !encrypted {
			return true
		}
	}
	return false
}

// checkEvidence grades every endpoint and applies the admission rule: an
// endpoint with only reported evidence must be encrypted and lie inside
// the provider's own domains.
func (g *generator) checkEvidence() error {
	for _, p := range g.providers {
		for _, d := range p.domains {
			if !public(d) {
				return fmt.Errorf("dbgen: %s (%s): domain %s is not under a public suffix: leave it out", p.id, p.origin, d)
			}
		}
		allowed := p.hostDomains()
		for _, e := range p.endpoints {
			level := grade(e.sources)
			switch {
			case !public(e.host):
				return fmt.Errorf("dbgen: %s (%s): endpoint %v is not under a public suffix (a local or onion host): leave it out", p.id, p.origin, e.key)
			case level == 0:
				return fmt.Errorf("dbgen: %s: endpoint %v has no source", p.id, e.key)
			case e.date() == "":
				return fmt.Errorf("dbgen: %s: endpoint %v has no date", p.id, e.key)
			case level == db.Reported && e.enc == mailsettings.Plaintext:
				return fmt.Errorf("dbgen: %s: endpoint %v rests on one report and is not encrypted: leave it out", p.id, e.key)
			case level == db.Reported && !inside(e.host, allowed):
				return fmt.Errorf("dbgen: %s: endpoint %v rests on one report and lies outside %v: leave it out", p.id, e.key, allowed)
			}
		}
	}
	return nil
}

// public reports whether name lies below an ICANN public suffix, as the
// host of a provider on the internet does ("localhost", single labels and
// .onion names do not).
func public(name string) bool {
	suffix, icann := publicsuffix.PublicSuffix(name)
	return icann && suffix != name
}

// checkStale fails for decisions that no longer apply, so that the overlay
// holds nothing that misleads.
func (g *generator) checkStale() error {
	var stale []string
	for _, f := range g.overlay {
		for i := range f.MXKeys {
			if !g.used[&f.MXKeys[i]] {
				stale = append(stale, "mx_keys "+f.MXKeys[i].Source+" "+f.MXKeys[i].Domain)
			}
		}
		for i := range f.KeepDomains {
			if !g.used[&f.KeepDomains[i]] {
				stale = append(stale, "keep_domains "+f.KeepDomains[i].Source+" "+f.KeepDomains[i].Domain)
			}
		}
		for i := range f.SkipFiles {
			if !g.used[&f.SkipFiles[i]] {
				stale = append(stale, "skip_files "+f.SkipFiles[i].Source)
			}
		}
		for i := range f.SkipEndpoints {
			if !g.used[&f.SkipEndpoints[i]] {
				stale = append(stale, "skip_endpoints "+f.SkipEndpoints[i].Source+" "+f.SkipEndpoints[i].Endpoint)
			}
		}
		for i := range f.Claims {
			if !g.used[&f.Claims[i]] {
				stale = append(stale, "claims "+f.Claims[i].Source+" "+f.Claims[i].Endpoint+" for "+f.Claims[i].Provider)
			}
		}
	}
	if len(stale) > 0 {
		return fmt.Errorf("dbgen: overlay decisions that no longer apply (remove them): %s", strings.Join(stale, "; "))
	}
	return nil
}

// sortEndpoints sorts endpoints into the preference order of the package
// mailsettings: encrypted before plaintext, then by protocol, then by
// evidence level (highest first), then by encryption (RFC 8314), keeping
// the source order among equals.
func sortEndpoints(es []*endpoint) {
	slices.SortStableFunc(es, func(a, b *endpoint) int {
		ap, bp := a.enc == mailsettings.Plaintext, b.enc == mailsettings.Plaintext
		switch {
		case ap != bp:
			if ap {
				return 1
			}
			return -1
		case a.proto != b.proto:
			return cmp.Compare(protoRank(a.proto), protoRank(b.proto))
		}
		if la, lb := grade(a.sources), grade(b.sources); la != lb {
			return cmp.Compare(lb, la)
		}
		return cmp.Compare(encRank(a.enc), encRank(b.enc))
	})
}
