package mailsettings

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings/internal/plainjson"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// The JSON forms of Settings, Candidate and Discovery are stable, and each
// is also a stored form: json.Unmarshal of what json.Marshal wrote gives
// back the same endpoints, usernames, notes, source, trust and reasons, or
// an error. RFC 8314 §5.1 asks clients to configure once and keep the
// result; this is how a Go program keeps it. A reloaded value keeps the
// trust it was stored with: a discovered provider answers only for the
// domain it was discovered for, and a built-in one is checked against the
// built-in database, so that a stored label claims no more than it did.

// ErrStale is wrapped by the error of unmarshaling stored settings whose
// built-in provider is no longer in the built-in database as it was
// stored: look the domain up again.
var ErrStale = errors.New("mailsettings: stored built-in settings differ from the built-in database")

// endpointJSON is a ServerEndpoint whose username is concrete when the
// address is known, and the autoconfig placeholder otherwise; the form is
// kept beside it so that the endpoint can be read back.
type endpointJSON struct {
	Protocol     Protocol     `json:"protocol"`
	Host         string       `json:"host"`
	Port         uint16       `json:"port"`
	Encryption   Encryption   `json:"encryption"`
	Username     string       `json:"username"`
	UsernameForm UsernameForm `json:"username_form"`
	// Evidence is what the built-in database knows about the endpoint
	// (level, sources, checked); nil for other providers. It is written
	// for readers and not read back: a stored built-in provider is
	// replaced by the database's own.
	Evidence *EndpointEvidence `json:"evidence,omitempty"`
}

type providerJSON struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	DocURL      string  `json:"doc_url,omitempty"`
	SettingsURL string  `json:"settings_url,omitempty"`
	Password    string  `json:"password"` // a PasswordKind, "unknown" for ""
	IMAPID      bool    `json:"imap_id,omitempty"`
	OAuth2      *OAuth2 `json:"oauth2,omitempty"`
	Source      string  `json:"source,omitempty"`
	LastChecked string  `json:"last_checked,omitempty"`
}

type settingsJSON struct {
	Query         string         `json:"query"`
	Address       string         `json:"address,omitempty"`
	Domain        string         `json:"domain"`
	UnicodeDomain string         `json:"unicode_domain"`
	Provider      *providerJSON  `json:"provider"` // null for no provider
	Endpoints     []endpointJSON `json:"endpoints"`
	Notes         []Note         `json:"notes"`
}

// labelJSON is what a Candidate adds to its Settings.
type labelJSON struct {
	Source   Source     `json:"source"`
	Trust    Trust      `json:"trust"`
	Reasons  []Reason   `json:"reasons"`
	URL      string     `json:"url,omitempty"`
	Verified *time.Time `json:"verified,omitempty"`
}

type candidateJSON struct {
	settingsJSON
	labelJSON
}

type sourceErrorJSON struct {
	Source      Source `json:"source,omitempty"`
	URL         string `json:"url"`
	Error       string `json:"error"`
	Unreachable bool   `json:"unreachable,omitempty"`
}

type discoveryJSON struct {
	Query         string            `json:"query"`
	Address       string            `json:"address,omitempty"`
	Domain        string            `json:"domain"`
	UnicodeDomain string            `json:"unicode_domain"`
	Candidates    []Candidate       `json:"candidates"`
	Errors        []sourceErrorJSON `json:"errors"`
	Unfinished    []Source          `json:"unfinished"`
}

// MarshalJSON writes the zero ServerEndpoint (an unset optional field) as
// null, and any other endpoint as an object with the fields protocol,
// host, port, encryption and username (the form, such as
// "%EMAILADDRESS%"). It fails for an endpoint with an invalid enumeration.
func (e ServerEndpoint) MarshalJSON() ([]byte, error) {
	if e == (ServerEndpoint{}) {
		return []byte("null"), nil
	}
	if !e.Protocol.valid() || !e.Encryption.valid() || !e.Username.valid() {
		return nil, fmt.Errorf("mailsettings: endpoint %s: invalid protocol, encryption or username form", e)
	}
	type plain ServerEndpoint // the fields, without this method
	return plainjson.Marshal(plain(e))
}

// MarshalJSON writes the provider's identity and account facts (the
// provider object of [Settings.MarshalJSON]); domains, endpoints and notes
// are left to the Settings that hold it.
func (p Provider) MarshalJSON() ([]byte, error) {
	return plainjson.Marshal(Settings{Provider: p}.toJSON().Provider)
}

// toJSON returns the JSON form of s.
func (s Settings) toJSON() settingsJSON {
	w := settingsJSON{
		Query: s.Query, Address: s.Address(), Domain: s.Domain, UnicodeDomain: s.UnicodeDomain,
		Endpoints: []endpointJSON{}, Notes: s.Notes(),
	}
	if w.Notes == nil {
		w.Notes = []Note{}
	}
	if s.Provider.IsZero() {
		return w
	}
	i := s.Provider.data()
	w.Provider = &providerJSON{
		ID: i.ID, Name: i.Name, DocURL: i.DocURL, SettingsURL: i.SettingsURL,
		Password: cmp.Or(string(i.Password), passwordUnknown), IMAPID: i.IMAPID, OAuth2: i.OAuth2,
		Source: i.Source, LastChecked: i.LastChecked,
	}
	for _, e := range s.endpoints() {
		u := s.Username(e)
		if u == "" {
			u = string(e.Username)
		}
		ej := endpointJSON{Protocol: e.Protocol, Host: e.Host, Port: e.Port, Encryption: e.Encryption, Username: u, UsernameForm: e.Username}
		if ev, ok := s.Provider.Evidence(e); ok {
			ej.Evidence = &ev
		}
		w.Endpoints = append(w.Endpoints, ej)
	}
	return w
}

// MarshalJSON writes the settings as one JSON object with the fields query,
// address (when known), domain, unicode_domain, provider (id, name,
// doc_url, settings_url, password, imap_id, oauth2, source, last_checked;
// null for none), endpoints (each with protocol, host, port, encryption,
// username and username_form, and for endpoints of the built-in database
// evidence: level, sources and checked) and notes (each with kind, text and url).
// These names are stable. [Settings.UnmarshalJSON] reads it back.
func (s Settings) MarshalJSON() ([]byte, error) { return plainjson.Marshal(s.toJSON()) }

// UnmarshalJSON reads what [Settings.MarshalJSON] wrote. Settings hold the
// built-in database's providers only (a discovered one is stored as a
// [Candidate]): the provider must still be in the built-in database with
// the same endpoints, or the error wraps [ErrStale]; the result then holds
// the database's own Provider.
func (s *Settings) UnmarshalJSON(b []byte) error {
	var w settingsJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v, err := w.settings()
	if err != nil {
		return err
	}
	if w.Provider != nil {
		if v.Provider, err = w.builtin(); err != nil {
			return err
		}
	}
	*s = v
	return nil
}

// settings returns the query and domain of w, checked, without a
// provider.
func (w *settingsJSON) settings() (Settings, error) {
	if w.Domain == "" {
		return Settings{Query: w.Query}, nil
	}
	q, err := parseQuery(w.Domain)
	if err != nil || q.Domain != w.Domain || q.Local != "" {
		return Settings{}, fmt.Errorf("mailsettings: stored settings: domain %q is not a normalized domain", sanitize.Clip(w.Domain, 80))
	}
	s := Settings{Query: w.Query, Domain: q.Domain, UnicodeDomain: q.Unicode}
	if w.Address != "" {
		local, ok := strings.CutSuffix(w.Address, "@"+q.Domain)
		if !ok || local == "" {
			return Settings{}, fmt.Errorf("mailsettings: stored settings: address %q is not at %s", sanitize.Clip(w.Address, 80), q.Domain)
		}
		s.LocalPart = local
	}
	return s, nil
}

// info returns the provider data of w, for the one domain of the stored
// settings.
func (w *settingsJSON) info() ProviderInfo {
	p := w.Provider
	info := ProviderInfo{
		ID: p.ID, Name: p.Name, Domains: []string{w.Domain}, DocURL: p.DocURL, SettingsURL: p.SettingsURL,
		Password: storedPassword(p.Password), IMAPID: p.IMAPID, OAuth2: p.OAuth2, Notes: w.Notes,
		Source: p.Source, LastChecked: p.LastChecked,
	}
	for _, e := range w.Endpoints {
		// The codes are read in any case; NewProvider's check refuses
		// invalid ones.
		u, _ := parseUsernameForm(string(e.UsernameForm))
		info.Endpoints = append(info.Endpoints, ServerEndpoint{
			Protocol(strings.ToLower(string(e.Protocol))), e.Host, e.Port,
			Encryption(strings.ToLower(string(e.Encryption))), u,
		})
	}
	return info
}

// passwordUnknown is the JSON form of the zero PasswordKind.
const passwordUnknown = "unknown"

// storedPassword reads a stored password kind, in any case: the zero kind
// for "unknown", and an invalid kind (which NewProvider's check refuses)
// for anything else not defined.
func storedPassword(s string) PasswordKind {
	if strings.EqualFold(s, passwordUnknown) {
		return ""
	}
	return PasswordKind(strings.ToLower(s))
}

// builtin returns the built-in provider that w names, if it still has the
// stored endpoints.
func (w *settingsJSON) builtin() (Provider, error) {
	p, ok := ProviderByID(w.Provider.ID)
	stored := w.info()
	if ok {
		sortByPreference(stored.Endpoints, p.data().Evidence)
		ok = slices.Equal(stored.Endpoints, p.data().Endpoints) &&
			(w.Domain == "" || builtinTable().forDomain(w.Domain) == p)
	}
	if !ok {
		return Provider{}, fmt.Errorf("%w (provider %q, data version %s): look %s up again", ErrStale, sanitize.Clip(w.Provider.ID, 64), DataVersion, w.Domain)
	}
	return p, nil
}

// MarshalJSON writes the candidate as [Settings.MarshalJSON] does (query,
// address, domain, unicode_domain, provider, endpoints, notes) with the
// fields source, trust, reasons (short codes), url and verified (an RFC
// 3339 time, when set) added.
func (c Candidate) MarshalJSON() ([]byte, error) {
	l := labelJSON{c.Source, c.Trust, append([]Reason{}, c.Reasons...), c.URL, nil}
	if !c.Verified.IsZero() {
		l.Verified = &c.Verified
	}
	return plainjson.Marshal(candidateJSON{c.Settings.toJSON(), l})
}

// UnmarshalJSON reads what [Candidate.MarshalJSON] wrote. The provider
// keeps the stored label: given to a [Discoverer] in Providers, it answers
// only for the stored domain, with the stored source, trust and reasons.
// A candidate of source "builtin" is checked against the built-in database
// as [Settings.UnmarshalJSON] does, and never carries more trust than
// [TrustCurated].
func (c *Candidate) UnmarshalJSON(b []byte) error {
	var w candidateJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Source.rank() == 0 || !w.Trust.valid() {
		return errors.New("mailsettings: stored candidate without a valid source and trust")
	}
	for _, r := range w.Reasons {
		if !r.valid() {
			return errors.New("mailsettings: stored candidate with an invalid reason")
		}
	}
	s, err := w.settings()
	if err != nil {
		return err
	}
	if w.Provider == nil || s.Domain == "" {
		return errors.New("mailsettings: stored candidate without a provider or domain")
	}
	switch w.Source {
	case sourceBuiltin:
		s.Provider, err = w.builtin()
		w.Trust = min(w.Trust, TrustCurated)
	default:
		s.Provider, err = newProvider(w.info(), &origin{domain: s.Domain, source: w.Source, trust: w.Trust, reasons: slices.Clone(w.Reasons)})
	}
	if err != nil {
		return fmt.Errorf("mailsettings: stored candidate for %s: %w", s.Domain, err)
	}
	*c = Candidate{Settings: s, Source: w.Source, Trust: w.Trust, Reasons: w.Reasons, URL: w.URL}
	if w.Verified != nil {
		c.Verified = *w.Verified
	}
	return nil
}

// MarshalJSON writes the discovery as one object with the fields query,
// address (when known), domain, unicode_domain, candidates (best first, see
// [Candidate.MarshalJSON]), errors (each with source, url, error and
// unreachable) and unfinished (source names). These names are stable.
func (d Discovery) MarshalJSON() ([]byte, error) {
	w := discoveryJSON{
		Query: d.Query, Domain: d.Domain, UnicodeDomain: d.UnicodeDomain,
		Candidates: append([]Candidate{}, d.Candidates...), Errors: []sourceErrorJSON{},
		Unfinished: append([]Source{}, d.Unfinished...),
	}
	w.Address = Settings{LocalPart: d.LocalPart, Domain: d.Domain}.Address()
	for _, err := range d.Errors {
		if err == nil {
			continue
		}
		se, ok := errors.AsType[*SourceError](err)
		if !ok {
			w.Errors = append(w.Errors, sourceErrorJSON{Error: sanitize.Error(err).Error()})
			continue
		}
		text := ""
		if se.Err != nil {
			text = sanitize.Error(se.Err).Error()
		}
		w.Errors = append(w.Errors, sourceErrorJSON{se.Source, se.URL, text, se.Unreachable})
	}
	return plainjson.Marshal(w)
}

// UnmarshalJSON reads what [Discovery.MarshalJSON] wrote. Each error comes
// back as a *SourceError whose cause has the stored text.
func (d *Discovery) UnmarshalJSON(b []byte) error {
	var w discoveryJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s, err := (&settingsJSON{Query: w.Query, Address: w.Address, Domain: w.Domain}).settings()
	if err != nil {
		return err
	}
	v := Discovery{Query: s.Query, LocalPart: s.LocalPart, Domain: s.Domain, UnicodeDomain: s.UnicodeDomain,
		Candidates: w.Candidates, Unfinished: w.Unfinished}
	for _, c := range v.Candidates {
		if c.Domain != v.Domain {
			return fmt.Errorf("mailsettings: stored discovery of %s holds a candidate for %s", v.Domain, c.Domain)
		}
	}
	for _, e := range w.Errors {
		v.Errors = append(v.Errors, &SourceError{Source: e.Source, URL: e.URL, Err: errors.New(e.Error), Unreachable: e.Unreachable})
	}
	*d = v
	return nil
}
