package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// runLookup is "mailsettings lookup": the built-in database, no I/O.
func runLookup(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "lookup", "[-json] [-lang L] QUERY... | - | -version", true)
	version := s.fs.Bool("version", false, "print the data version and the number of domains, and exit")
	rest, code, ok := s.parse(args)
	if !ok {
		return code
	}
	if *version {
		fmt.Fprintln(s.out, s.lang.T("version", "version", mailsettings.DataVersion, "n", strconv.Itoa(domainCount())))
		s.flush()
		return cli.ExitOK
	}
	if !s.needQueries(rest) {
		return cli.ExitUsage
	}
	in := s.input(rest)
	enc := &settingsEncoder{}
	var buf []byte
	failed := false
	for q := range in.All() {
		if ctx.Err() != nil {
			failed = true
			break
		}
		st, err := mailsettings.Lookup(q)
		if err != nil {
			failed = true
			s.fail(q, err)
			continue
		}
		if *s.json {
			buf = enc.append(buf[:0], st)
			buf = append(buf, '\n')
			s.out.Write(buf)
			continue
		}
		s.settingsTable(st)
	}
	return s.finish(in, failed)
}

// settingsTable prints one lookup's settings as a title, a table of
// endpoints, notes and the help link.
func (s *sub) settingsTable(st mailsettings.Settings) {
	l := s.lang
	fmt.Fprintln(s.out, l.T("lookup.title", "query", cli.Clean(st.Query), "domain", domainText(st.Domain, st.UnicodeDomain), "provider", cli.Clean(st.Provider.NameIn(l.Tag()))))
	s.endpointTable("", st)
	for _, n := range st.Notes() {
		s.note("", n)
	}
	if doc := st.Provider.Info().DocURL; doc != "" {
		fmt.Fprintln(s.out, l.T("help", "url", cli.Clean(doc)))
	}
	fmt.Fprintln(s.out)
}

// endpointTable prints the endpoints of st with the username for its
// address, or what to type for a domain query.
func (s *sub) endpointTable(indent string, st mailsettings.Settings) {
	l := s.lang
	t := cli.Table{Indent: indent}
	eps := st.Endpoints()
	// The built-in database says how well it knows each endpoint.
	evidence := false
	for _, ep := range eps {
		_, ok := st.Provider.Evidence(ep)
		evidence = evidence || ok
	}
	header := []string{l.T("h.protocol"), l.T("h.host"), l.T("h.port"), l.T("h.encryption"), l.T("h.username")}
	if evidence {
		header = append(header, l.T("h.evidence"))
	}
	t.Row(header...)
	for _, ep := range eps {
		row := []string{strings.ToUpper(string(ep.Protocol)), ep.Host, strconv.Itoa(int(ep.Port)), encryptionText(l, ep.Encryption), usernameText(l, st, ep)}
		if evidence {
			ev, _ := st.Provider.Evidence(ep)
			row = append(row, ev.Level.String())
		}
		t.Row(row...)
	}
	t.WriteTo(s.out)
}

// note prints one provider note.
func (s *sub) note(indent string, n mailsettings.Note) {
	fmt.Fprintln(s.out, indent+s.lang.T("note", "kind", string(n.Kind), "text", cli.Clean(n.Text.In(s.lang.Tag()))))
	if n.URL != "" {
		fmt.Fprintln(s.out, indent+"  "+s.lang.T("see", "url", cli.Clean(n.URL)))
	}
}

// domainText is "例子.中国 (xn--fsqu00a.xn--fiqs8s)" or "qq.com".
func domainText(ascii, unicode string) string {
	if unicode != "" && unicode != ascii {
		return cli.Clean(unicode) + " (" + cli.Clean(ascii) + ")"
	}
	return cli.Clean(ascii)
}

func encryptionText(l cli.Lang, enc mailsettings.Encryption) string {
	switch enc {
	case mailsettings.ImplicitTLS:
		return l.T("enc.tls")
	case mailsettings.STARTTLS:
		return l.T("enc.starttls")
	case mailsettings.Plaintext:
		return l.T("enc.plain")
	}
	return cli.Clean(string(enc))
}

// usernameText is the login for the queried address, or, for a domain,
// what to type in words rather than an autoconfig placeholder.
func usernameText(l cli.Lang, st mailsettings.Settings, ep mailsettings.ServerEndpoint) string {
	if u := st.Username(ep); u != "" {
		return u
	}
	switch ep.Username {
	case mailsettings.UsernameAddress:
		return l.T("user.address")
	case mailsettings.UsernameLocalPart:
		return l.T("user.local")
	case mailsettings.UsernameLocalPartDotDomain:
		return l.T("user.local_domain")
	}
	return string(ep.Username)
}

// A settingsEncoder writes Settings as Settings.MarshalJSON does (a test
// checks that they agree), fast enough for bulk input: a provider's own
// fields and notes are encoded, cleaned, once per provider, and only the
// query's fields for each line.
type settingsEncoder struct {
	memo map[mailsettings.Provider]*providerJSON
}

type providerJSON struct {
	provider  []byte // the provider object
	notes     []byte // the notes array
	endpoints []mailsettings.ServerEndpoint
	heads     [][]byte // each endpoint's fields before the username's value
	tails     [][]byte // and after it, with the closing brace
}

func (enc *settingsEncoder) provider(p mailsettings.Provider) *providerJSON {
	if pj, ok := enc.memo[p]; ok {
		return pj
	}
	if enc.memo == nil || len(enc.memo) > 10000 {
		enc.memo = make(map[mailsettings.Provider]*providerJSON)
	}
	info := p.Info()
	pj := &providerJSON{endpoints: info.Endpoints}
	var err error
	if pj.provider, err = cli.Marshal(p); err != nil {
		pj.provider = []byte("null")
	}
	notes := info.Notes
	if notes == nil {
		notes = []mailsettings.Note{}
	}
	if pj.notes, err = cli.Marshal(notes); err != nil {
		pj.notes = []byte("[]")
	}
	for _, e := range pj.endpoints {
		proto, _ := cli.Marshal(e.Protocol)
		encr, _ := cli.Marshal(e.Encryption)
		h := append([]byte(`{"protocol":`), proto...)
		h = cli.AppendString(append(h, `,"host":`...), cli.Clean(e.Host))
		h = strconv.AppendUint(append(h, `,"port":`...), uint64(e.Port), 10)
		h = append(append(h, `,"encryption":`...), encr...)
		pj.heads = append(pj.heads, append(h, `,"username":`...))
		form, _ := cli.Marshal(e.Username)
		t := append([]byte(`,"username_form":`), form...)
		if ev, ok := p.Evidence(e); ok {
			if b, err := cli.Marshal(ev); err == nil {
				t = append(append(t, `,"evidence":`...), b...)
			}
		}
		pj.tails = append(pj.tails, append(t, '}'))
	}
	enc.memo[p] = pj
	return pj
}

// append appends st as one JSON object, without a newline.
func (enc *settingsEncoder) append(b []byte, st mailsettings.Settings) []byte {
	b = cli.AppendString(append(b, `{"query":`...), cli.Clean(st.Query))
	if a := st.Address(); a != "" {
		b = cli.AppendString(append(b, `,"address":`...), cli.Clean(a))
	}
	b = cli.AppendString(append(b, `,"domain":`...), cli.Clean(st.Domain))
	b = cli.AppendString(append(b, `,"unicode_domain":`...), cli.Clean(st.UnicodeDomain))
	if st.Provider.IsZero() {
		return append(b, `,"provider":null,"endpoints":[],"notes":[]}`...)
	}
	pj := enc.provider(st.Provider)
	b = append(append(b, `,"provider":`...), pj.provider...)
	b = append(b, `,"endpoints":[`...)
	for i, e := range pj.endpoints {
		if i > 0 {
			b = append(b, ',')
		}
		u := st.Username(e)
		if u == "" {
			u = string(e.Username)
		}
		b = append(cli.AppendString(append(b, pj.heads[i]...), cli.Clean(u)), pj.tails[i]...)
	}
	b = append(append(b, `],"notes":`...), pj.notes...)
	return append(b, '}')
}

// domainCount returns the number of domains mailsettings.Domains lists.
func domainCount() int {
	n := 0
	for range mailsettings.Domains() {
		n++
	}
	return n
}
