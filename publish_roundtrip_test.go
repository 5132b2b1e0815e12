package mailsettings

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/autodiscover"
	"github.com/mailsettings/mailsettings/internal/pacc"
	"github.com/mailsettings/mailsettings/internal/plisttest"
	"github.com/miekg/dns"
)

// The round-trip tests below publish every provider of the built-in table
// in each format, read the result back with the library's own readers,
// and check that it gives back the endpoints the format can express, or
// that the writer refused the provider, with ErrUnpublishable, exactly
// when some protocol it offers has no such endpoint. What each format can
// express is stated here again, from the writers' documentation, rather
// than taken from the writers.

// starttlsPort reports whether clients that decide by port (Thunderbird,
// Apple Mail) read port as STARTTLS.
func starttlsPort(port uint16) bool { return port == 143 || port == 110 || port == 25 || port == 587 }

// expressible reports whether each protocol p offers has an endpoint that
// say accepts.
func expressible(p Provider, say func(ServerEndpoint) bool) bool {
	for _, proto := range []Protocol{IMAP, POP3, SMTP} {
		offered, said := false, false
		for _, e := range p.data().Endpoints {
			if e.Protocol == proto {
				offered = true
				said = said || say(e)
			}
		}
		if offered && !said {
			return false
		}
	}
	return true
}

// testAddress returns the address the tests publish for: alice at the
// provider's first domain, or at example.test for a hosting service
// without domains of its own.
func testAddress(p Provider) (local, domain string) {
	if ds := p.data().Domains; len(ds) > 0 {
		return "alice", ds[0]
	}
	return "alice", "example.test"
}

// formOf returns the username form that gives login for local@domain.
func formOf(login, local, domain string) UsernameForm {
	for _, u := range usernameForms() {
		if u.expand(local, domain) == login {
			return u
		}
	}
	return ""
}

// protocolNamed returns the protocol named typ ("IMAP", "imap"), or "".
func protocolNamed(typ string) Protocol {
	all := protocols()
	p, _ := parseCode(all[:], typ)
	return p
}

// checkRefusal reports a writer that did not refuse, or refused without
// ErrUnpublishable, a provider the format cannot express.
func checkRefusal(t *testing.T, format, id string, err error) {
	t.Helper()
	if !errors.Is(err, ErrUnpublishable) {
		t.Errorf("%s of %s: err = %v, want a refusal wrapping ErrUnpublishable", format, id, err)
	} else if !strings.Contains(err.Error(), id) {
		t.Errorf("%s of %s: the refusal does not name the provider: %v", format, id, err)
	}
}

func TestAutodiscoverRoundTripWholeTable(t *testing.T) {
	// Plaintext is never written; the port decides STARTTLS for
	// Thunderbird, so the mode must agree with it.
	say := func(e ServerEndpoint) bool {
		return e.Encryption != Plaintext && (e.Encryption == STARTTLS) == starttlsPort(e.Port)
	}
	providers := builtinTable().providers
	written, refused := 0, 0
	for _, p := range providers {
		local, domain := testAddress(p)
		addr := local + "@" + domain
		doc, err := p.MarshalAutodiscover(addr)
		if !expressible(p, say) || p.data().Password == PasswordOAuth2Only {
			checkRefusal(t, "Autodiscover", p.data().ID, err)
			refused++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p.data().ID, err)
			continue
		}
		written++
		var dropped []string
		resp, err := autodiscover.Parser{Dropped: func(what string, why error) { dropped = append(dropped, what+": "+why.Error()) }}.ParseResponse(doc)
		if err != nil || resp.Kind != autodiscover.KindSettings || dropped != nil {
			t.Errorf("%s: ParseResponse = kind %v, %v, dropped %q\n%s", p.data().ID, resp.Kind, err, dropped, doc)
			continue
		}
		var got []ServerEndpoint
		for _, pr := range resp.Protocols {
			// Thunderbird decides by port, Outlook by Encryption.
			outlook := map[string]autodiscover.TLSMode{"SSL": autodiscover.ImplicitTLS, "TLS": autodiscover.STARTTLS}[pr.Encryption]
			if pr.TLS() != outlook || pr.WantsSPA() || pr.SSL != "on" {
				t.Errorf("%s: %s %s:%d: Thunderbird reads %v, Outlook %v (Encryption %q, SSL %q), SPA %q", p.data().ID, pr.Type, pr.Server, pr.Port, pr.TLS(), outlook, pr.Encryption, pr.SSL, pr.SPA)
			}
			enc := map[autodiscover.TLSMode]Encryption{autodiscover.ImplicitTLS: ImplicitTLS, autodiscover.STARTTLS: STARTTLS}[pr.TLS()]
			got = append(got, ServerEndpoint{Protocol: protocolNamed(pr.Type), Host: pr.Server, Port: uint16(pr.Port), Encryption: enc, Username: formOf(pr.LoginName, local, domain)})
		}
		want := slices.DeleteFunc(slices.Clone(p.data().Endpoints), func(e ServerEndpoint) bool { return !say(e) })
		if !slices.Equal(got, want) {
			t.Errorf("%s: read back\n%v\nwant\n%v", p.data().ID, got, want)
		}
	}
	t.Logf("Autodiscover: %d of %d providers written, %d refused", written, len(providers), refused)
	if written == 0 || refused == 0 || written+refused != len(providers) {
		t.Errorf("written %d + refused %d != %d providers, or one of them is 0", written, refused, len(providers))
	}
}

func TestPACCRoundTripWholeTable(t *testing.T) {
	port := map[Protocol]uint16{IMAP: 993, POP3: 995, SMTP: 465}
	say := func(e ServerEndpoint) bool {
		return e.Encryption == ImplicitTLS && e.Port == port[e.Protocol] && e.Username == UsernameAddress
	}
	providers := builtinTable().providers
	written, refused, starttlsOnly := 0, 0, 0
	for _, p := range providers {
		body, txt, err := p.MarshalPACC()
		if !expressible(p, say) || p.data().Password == PasswordOAuth2Only {
			checkRefusal(t, "PACC", p.data().ID, err)
			refused++
			// A protocol offered with STARTTLS and nothing PACC can say
			// is refused as such.
			if err != nil && strings.Contains(err.Error(), "STARTTLS") {
				starttlsOnly++
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p.data().ID, err)
			continue
		}
		written++
		if ok, err := pacc.VerifyDigest(body, [][]string{{txt}}); !ok {
			t.Errorf("%s: the TXT record %q does not vouch for the body: %v", p.data().ID, txt, err)
		}
		if ok, _ := pacc.VerifyDigest(body, [][]string{{txt[:20], txt[20:]}}); !ok {
			t.Errorf("%s: the TXT record split in two strings does not vouch for the body", p.data().ID)
		}
		if ok, _ := pacc.VerifyDigest(append(slices.Clone(body), ' '), [][]string{{txt}}); ok {
			t.Errorf("%s: the TXT record vouches for a changed body", p.data().ID)
		}
		var dropped []string
		c, err := pacc.Parser{Dropped: func(m string, why error) { dropped = append(dropped, m+": "+why.Error()) }}.Parse(body)
		if err != nil || dropped != nil {
			t.Errorf("%s: Parse: %v, dropped %q\n%s", p.data().ID, err, dropped, body)
			continue
		}
		var got, want []ServerEndpoint
		for proto, servers := range map[Protocol][]pacc.Server{IMAP: c.IMAP, POP3: c.POP3, SMTP: c.Submit} {
			for _, s := range servers {
				if s.TLS != pacc.ImplicitTLS {
					t.Errorf("%s: %v server with TLS mode %d", p.data().ID, proto, s.TLS)
				}
				got = append(got, ServerEndpoint{Protocol: proto, Host: s.Host, Port: uint16(s.Port), Encryption: ImplicitTLS, Username: UsernameAddress})
			}
		}
		sortEndpoints(got)
		for _, e := range p.data().Endpoints {
			// The most preferred endpoint of each protocol.
			if say(e) && !slices.ContainsFunc(want, func(w ServerEndpoint) bool { return w.Protocol == e.Protocol }) {
				want = append(want, e)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: read back\n%v\nwant\n%v", p.data().ID, got, want)
		}
		wantDoc := p.data().DocURL
		if !strings.HasPrefix(wantDoc, "https://") {
			wantDoc = ""
		}
		if c.Password != pacc.PasswordYes || c.OAuthIssuer != "" || c.ProviderName != p.data().Name || c.DocumentationURL != wantDoc {
			t.Errorf("%s: password %v, issuer %q, name %q, documentation %q; want yes, none, %q, %q", p.data().ID, c.Password, c.OAuthIssuer, c.ProviderName, c.DocumentationURL, p.data().Name, wantDoc)
		}
		if again, txt2, _ := p.MarshalPACC(); !bytes.Equal(again, body) || txt2 != txt {
			t.Errorf("%s: a second MarshalPACC gave other bytes", p.data().ID)
		}
	}
	t.Logf("PACC: %d of %d providers written, %d refused (%d for a STARTTLS-only protocol)", written, len(providers), refused, starttlsOnly)
	if written == 0 || starttlsOnly == 0 || written+refused != len(providers) {
		t.Errorf("written %d + refused %d != %d providers, or no provider written or refused for STARTTLS", written, refused, len(providers))
	}
}

func TestMobileconfigRoundTripWholeTable(t *testing.T) {
	// A "use SSL" switch read by port.
	implicitPort := map[Protocol]uint16{IMAP: 993, POP3: 995, SMTP: 465}
	say := func(e ServerEndpoint) bool {
		switch e.Encryption {
		case ImplicitTLS:
			return e.Port == implicitPort[e.Protocol]
		case STARTTLS:
			return e.Protocol == IMAP && e.Port == 143 || e.Protocol == POP3 && e.Port == 110 || e.Protocol == SMTP && (e.Port == 587 || e.Port == 25)
		}
		return false
	}
	byPort := func(port uint16) Encryption {
		if starttlsPort(port) {
			return STARTTLS
		}
		return ImplicitTLS
	}
	providers := builtinTable().providers
	written, refused := 0, 0
	var docs [][]byte
	var parsed []any
	for _, p := range providers {
		var wantIn, wantOut ServerEndpoint
		for _, e := range p.data().Endpoints {
			if say(e) && (e.Protocol != SMTP) && wantIn.Host == "" {
				wantIn = e
			}
			if say(e) && e.Protocol == SMTP && wantOut.Host == "" {
				wantOut = e
			}
		}
		local, domain := testAddress(p)
		addr := local + "@" + domain
		doc, err := p.MarshalMobileconfig(addr, nil)
		if wantIn.Host == "" || wantOut.Host == "" || p.data().Password == PasswordOAuth2Only {
			checkRefusal(t, "Apple profile", p.data().ID, err)
			refused++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p.data().ID, err)
			continue
		}
		written++
		generic, err := p.MarshalMobileconfig(domain, nil)
		if err != nil {
			t.Errorf("%s: profile for the domain: %v", p.data().ID, err)
			continue
		}
		for _, d := range []struct {
			doc  []byte
			addr string
		}{{doc, addr}, {generic, ""}} {
			v, err := plisttest.Read(d.doc)
			if err != nil {
				t.Errorf("%s: not a property list: %v\n%s", p.data().ID, err, d.doc)
				continue
			}
			docs, parsed = append(docs, d.doc), append(parsed, v)
			top, _ := v.(map[string]any)
			content, _ := top["PayloadContent"].([]any)
			if top["PayloadType"] != "Configuration" || len(content) != 1 {
				t.Errorf("%s: profile %v", p.data().ID, top)
				continue
			}
			mail, _ := content[0].(map[string]any)
			str := func(k string) string { s, _ := mail[k].(string); return s }
			num := func(k string) uint16 { n, _ := mail[k].(int64); return uint16(n) }
			if mail["PayloadType"] != "com.apple.mail.managed" || mail["IncomingMailServerUseSSL"] != true || mail["OutgoingMailServerUseSSL"] != true {
				t.Errorf("%s: mail payload %v", p.data().ID, mail)
			}
			for k := range mail {
				if strings.Contains(k, "Password") && k != "OutgoingPasswordSameAsIncomingPassword" {
					t.Errorf("%s: the profile holds %s", p.data().ID, k)
				}
			}
			if str("EmailAddress") != d.addr {
				t.Errorf("%s: EmailAddress %q, want %q", p.data().ID, str("EmailAddress"), d.addr)
			}
			inProto := map[string]Protocol{"EmailTypeIMAP": IMAP, "EmailTypePOP": POP3}[str("EmailAccountType")]
			in := ServerEndpoint{Protocol: inProto, Host: str("IncomingMailServerHostName"), Port: num("IncomingMailServerPortNumber")}
			out := ServerEndpoint{Protocol: SMTP, Host: str("OutgoingMailServerHostName"), Port: num("OutgoingMailServerPortNumber")}
			in.Encryption, out.Encryption = byPort(in.Port), byPort(out.Port)
			wi, wo := wantIn, wantOut
			if d.addr != "" {
				in.Username = formOf(str("IncomingMailServerUsername"), local, domain)
				out.Username = formOf(str("OutgoingMailServerUsername"), local, domain)
			} else {
				wi.Username, wo.Username = "", ""
				if str("IncomingMailServerUsername")+str("OutgoingMailServerUsername") != "" {
					t.Errorf("%s: the profile for every user names a user", p.data().ID)
				}
			}
			if in != wi || out != wo {
				t.Errorf("%s: read back %v / %v, want %v / %v", p.data().ID, in, out, wi, wo)
			}
		}
		// The identifiers and UUIDs derive from the domain alone.
		other, _ := p.MarshalMobileconfig("bob@"+domain, nil)
		if a, b, c := profileIDs(doc), profileIDs(other), profileIDs(generic); a == "" || a != b || a != c {
			t.Errorf("%s: identifiers and UUIDs of the profiles of alice, bob and every user: %q, %q, %q", p.data().ID, a, b, c)
		}
		if again, _ := p.MarshalMobileconfig(domain, nil); !bytes.Equal(again, generic) {
			t.Errorf("%s: a second profile for the domain gave other bytes", p.data().ID)
		}
	}
	t.Logf("Apple profile: %d of %d providers written, %d refused", written, len(providers), refused)
	if written == 0 || refused == 0 || written+refused != len(providers) {
		t.Errorf("written %d + refused %d != %d providers, or one of them is 0", written, refused, len(providers))
	}
	plisttest.ComparePlistlib(t, docs, parsed)
}

// profileIDs returns the PayloadIdentifier and PayloadUUID of a profile
// and of its payload, or "".
func profileIDs(doc []byte) string {
	v, err := plisttest.Read(doc)
	top, _ := v.(map[string]any)
	content, _ := top["PayloadContent"].([]any)
	if err != nil || len(content) != 1 {
		return ""
	}
	mail, _ := content[0].(map[string]any)
	ids := []any{top["PayloadIdentifier"], top["PayloadUUID"], mail["PayloadIdentifier"], mail["PayloadUUID"]}
	b, _ := json.Marshal(ids)
	return string(b)
}

func TestSRVRoundTripWholeTable(t *testing.T) {
	say := func(e ServerEndpoint) bool { return e.Encryption != Plaintext && e.Username == UsernameAddress }
	providers := builtinTable().providers
	written, refused := 0, 0
	for _, p := range providers {
		_, domain := testAddress(p)
		lines, err := p.SRVRecords(domain)
		if !expressible(p, say) {
			checkRefusal(t, "SRV records", p.data().ID, err)
			refused++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p.data().ID, err)
			continue
		}
		written++
		got, err := readSRVLines(lines, domain)
		if err != nil {
			t.Errorf("%s: %v\n%s", p.data().ID, err, strings.Join(lines, "\n"))
			continue
		}
		want := slices.DeleteFunc(slices.Clone(p.data().Endpoints), func(e ServerEndpoint) bool { return !say(e) })
		if !slices.Equal(got, want) {
			t.Errorf("%s: read back\n%v\nwant\n%v\n%s", p.data().ID, got, want, strings.Join(lines, "\n"))
		}
	}
	t.Logf("SRV records: %d of %d providers written, %d refused", written, len(providers), refused)
	if written == 0 || refused == 0 || written+refused != len(providers) {
		t.Errorf("written %d + refused %d != %d providers, or one of them is 0", written, refused, len(providers))
	}
}

// readSRVLines parses zone lines with miekg/dns and reads them as SRV
// discovery does: each of the six services must have records, all
// "." or all usable, with a TTL of an hour.
func readSRVLines(lines []string, domain string) ([]ServerEndpoint, error) {
	byOwner := map[string][]*net.SRV{}
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			return nil, err
		}
		srv, ok := rr.(*dns.SRV)
		if !ok || srv.Hdr.Class != dns.ClassINET || srv.Hdr.Ttl != 3600 {
			return nil, errors.New("not an IN SRV record with TTL 3600: " + l)
		}
		byOwner[srv.Hdr.Name] = append(byOwner[srv.Hdr.Name], &net.SRV{Target: srv.Target, Port: srv.Port, Priority: srv.Priority, Weight: srv.Weight})
	}
	var eps []ServerEndpoint
	n := 0
	for _, s := range srvServices() {
		recs := byOwner["_"+s.label+"._tcp."+domain+"."]
		n += len(recs)
		sel, notOffered, dropped := selectSRV(recs, func(int) int { return 0 })
		if len(recs) == 0 || dropped > 0 || len(sel) == 0 && !notOffered {
			return nil, errors.New("service " + s.label + ": no records, or unusable ones")
		}
		for _, r := range sel {
			eps = append(eps, ServerEndpoint{Protocol: s.proto, Host: r.Target, Port: r.Port, Encryption: s.enc, Username: UsernameAddress})
		}
	}
	if n != len(lines) {
		return nil, errors.New("records for other names")
	}
	sortEndpoints(eps)
	return eps, nil
}
