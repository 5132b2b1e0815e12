package mailsettings

import (
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/msg"
	"github.com/mailsettings/mailsettings/internal/netdial"
	"github.com/mailsettings/mailsettings/internal/sanitize"
	"github.com/mailsettings/mailsettings/internal/wire"
)

// Explanation returns what went wrong, in every language of [Text], for a
// person who is not a mail expert. Text the server sent is quoted and
// marked when it arrived before TLS.
func (e *ProbeError) Explanation() Text {
	t := e.explain()
	if e.ServerText != "" {
		id := "probe.server-said"
		if e.ServerTextBeforeTLS {
			id = "probe.server-said-before-tls"
		}
		t = msg.Join(t, msg.Get(id).Fill(msg.Plain("text", strconv.Quote(e.ServerText))))
	}
	return textOf(t)
}

// Fix returns a suggested fix, in every language of [Text]. For a server
// reply this package knows (Microsoft's "SmtpClientAuthentication is
// disabled", Gmail's "Application-specific password required", ...) it
// names the setting to change. For an endpoint of a known provider, the
// provider's notes that explain the failure are appended: password notes
// to login failures, notes on enabling access to refused logins, IMAP ID
// notes to a refused mailbox, certificate notes to certificate failures,
// plaintext notes to missing encryption; none to a network or DNS failure.
func (e *ProbeError) Fix() Text {
	t := e.fix()
	if !e.Provider.IsZero() {
		name := e.Provider.data().Name
		hinted := e.replyHint() != ""
		for _, n := range e.Provider.data().Notes {
			if !noteExplains(n.Kind, e.Kind) || hinted && n.Kind == NotePassword {
				continue
			}
			t = msg.Join(t, msg.Get("probe.provider-note").Fill(msg.Plain("provider", name), msg.Local("note", n.Text.t)))
		}
	}
	return textOf(t)
}

// noteExplains reports whether a provider's note of kind n explains a
// failure of kind k, so that Fix adds it. A general note is added to no
// failure.
func noteExplains(n NoteKind, k ErrorKind) bool {
	var explained []ErrorKind
	switch n {
	case NotePassword:
		explained = []ErrorKind{KindAuthRejected, KindAuthAppPassword, KindAuthOAuth2Required, KindAuthUnavailable,
			KindAuthDisabled, KindAuthNotEnabled}
	case NoteEnable:
		explained = []ErrorKind{KindAuthRejected, KindAuthDisabled, KindAuthNotEnabled, KindMailboxRefused}
	case NoteIMAPID:
		explained = []ErrorKind{KindMailboxRefused}
	case NoteCertificate:
		explained = []ErrorKind{KindCertNameMismatch, KindCertUntrusted}
	case NotePlaintext:
		explained = []ErrorKind{KindAuthInsecure, KindSTARTTLSNotOffered}
	}
	return slices.Contains(explained, k)
}

// replyHint returns the catalog hint of a login rejection this package
// knows by its text, when the reply's classification is the error's kind,
// or "".
func (e *ProbeError) replyHint() string {
	if e.Step != stepAuth || e.ServerText == "" {
		return ""
	}
	k, hint := wire.ClassifyLoginFailure(e.ServerText)
	if hint == "" || ErrorKind(k) != e.Kind || !msg.Has("fix.reply."+hint) {
		return ""
	}
	return hint
}

// args are the values every explanation and fix may use.
func (e *ProbeError) args() []msg.Arg {
	ep := e.Endpoint
	detected := msg.Text{}
	what := ep.Protocol.name()
	if e.Detected.valid() {
		d := e.Detected.name()
		detected = msg.Text{article(d) + " " + d + " server", d + "服务器", d + "伺服器"}
		what = d
	}
	step := msg.Get("step." + string(e.Step))
	if !msg.Has("step." + string(e.Step)) {
		step = msg.Get("step.other").Fill(msg.Plain("step", string(e.Step)))
	}
	tlsPort, stlsPort := standardPorts(ep.Protocol)
	alt := ""
	if e.Alternative != nil {
		alt = e.Alternative.Host
	}
	provider := ""
	if !e.Provider.IsZero() {
		provider = e.Provider.data().Name
	}
	asked, resolver, reason := e.dnsQuestion()
	return []msg.Arg{
		msg.Plain("host", ep.Host),
		msg.Plain("port", strconv.Itoa(int(ep.Port))),
		msg.Plain("proto", ep.Protocol.name()),
		msg.Plain("what", what),
		msg.Plain("cause", e.cause()),
		msg.Plain("date", e.CertNotAfter.UTC().Format("2006-01-02")),
		msg.Plain("tlsport", tlsPort),
		msg.Plain("stlsport", stlsPort),
		msg.Plain("alt", alt),
		msg.Plain("provider", provider),
		msg.Plain("asked", asked),
		msg.Plain("reason", reason),
		msg.Local("resolver", resolver),
		msg.Local("detected", detected),
		msg.Local("enc", msg.Get("enc."+encID(ep.Encryption))),
		msg.Local("step", step),
		msg.Local("names", msg.List(e.CertNames)),
		msg.Local("ports", msg.Get(portsID(ep.Protocol))),
		msg.Local("weakness", e.weakness()),
	}
}

// dnsQuestion returns, for a DNS failure, the name asked, the resolver
// asked (localized; the catalog's "a DNS resolver" when unknown) and the
// resolver's reason, from the netdial.ResolveError in the cause.
func (e *ProbeError) dnsQuestion() (asked string, resolver msg.Text, reason string) {
	resolver = msg.Get("probe.resolver-unknown")
	re, ok := errors.AsType[*netdial.ResolveError](e.Err)
	if !ok {
		return e.Endpoint.Host, resolver, e.cause()
	}
	asked = sanitize.Text(re.Asked, maxCauseText)
	if r := sanitize.Text(re.Resolver, maxCauseText); r != "" {
		resolver = msg.Text{r, r, r}
		if rest, ok := strings.CutPrefix(r, "the system resolver"); ok {
			at := strings.TrimPrefix(rest, " at ")
			resolver = msg.Get("probe.resolver-system").Fill(msg.Plain("at", at))
			if at == "" {
				resolver = msg.Get("probe.resolver-system-only")
			}
		}
	}
	reason = netdial.ErrLookup.Error()
	if de, ok := errors.AsType[*net.DNSError](re.Err); ok && de.Err != "" {
		reason = de.Err
	} else if re.Err != nil {
		reason = re.Err.Error()
	}
	return asked, resolver, sanitize.Text(reason, maxCauseText)
}

// weakness describes, in every language, what is weak in a certificate
// chain, from the wire.WeakCertError in the cause; empty without one.
func (e *ProbeError) weakness() msg.Text {
	we, ok := errors.AsType[*wire.WeakCertError](e.Err)
	if !ok {
		return msg.Text{}
	}
	which := msg.Get("weak.leaf")
	if !we.Leaf {
		which = msg.Get("weak.intermediate").Fill(msg.Plain("subject", we.Subject))
	}
	return msg.Get("weak."+string(we.What)).Fill(msg.Local("which", which),
		msg.Plain("bits", strconv.Itoa(we.Bits)), msg.Plain("alg", we.Algorithm))
}

// article returns "an" for a word read with a vowel sound first (IMAP,
// SMTP: "an S-M-T-P"), "a" otherwise (POP3).
func article(word string) string {
	if word != "" && (word[0] == 'I' || word[0] == 'S' || word[0] == 'A' || word[0] == 'E' || word[0] == 'O') {
		return "an"
	}
	return "a"
}

// standardPorts returns the implicit-TLS and STARTTLS ports of a protocol
// (RFC 8314, section 7.3; RFC 6409 for 587).
func standardPorts(p Protocol) (tls, starttls string) {
	switch p {
	case IMAP:
		return "993", "143"
	case POP3:
		return "995", "110"
	}
	return "465", "587"
}

// encID is the catalog key of an encryption mode's name.
func encID(enc Encryption) string {
	switch enc {
	case ImplicitTLS:
		return "tls"
	case STARTTLS:
		return "starttls"
	}
	return "plain"
}

// portsID is the catalog key of the hint on which ports use which
// encryption for a protocol.
func portsID(p Protocol) string {
	switch p {
	case IMAP:
		return "ports.imap"
	case POP3:
		return "ports.pop3"
	}
	return "ports.smtp"
}

// explain returns the explanation of e's kind.
func (e *ProbeError) explain() msg.Text {
	id := "explain." + string(e.Kind)
	_, isResolve := errors.AsType[*netdial.ResolveError](e.Err)
	switch {
	case e.Kind == KindCertExpired && !e.CertNotAfter.IsZero():
		id = "explain.cert_expired.until"
	case (e.Kind == KindDNSNotFound || e.Kind == KindDNSFailure) && isResolve:
		id += ".asked"
	case e.Kind == KindCertWeakKey && e.weakness() == msg.Text{}:
		id += ".cause"
	case !msg.Has(id):
		id = "explain.other"
	}
	args := e.args()
	t := msg.Get(id).Fill(args...)
	if (e.Kind == KindCertUntrusted || e.Kind == KindCertNameMismatch || e.Kind == KindCertWeakKey) && len(e.CertNames) > 0 {
		t = msg.Join(t, msg.Get("probe.cert-covers").Fill(args...))
	}
	if e.Kind == KindCertNameMismatch && e.Alternative != nil {
		t = msg.Join(t, msg.Get("probe.alternative").Fill(args...))
	}
	return t
}

// fix returns the fix for e's kind.
func (e *ProbeError) fix() msg.Text {
	id := "fix." + string(e.Kind)
	switch e.Kind {
	case KindSTARTTLSNotOffered, KindSTARTTLSRefused:
		id = "fix.starttls"
	case KindSTARTTLSInjection, KindPreauthPlaintext:
		id = "fix.attack"
	case KindCertNameMismatch:
		switch {
		case e.Alternative != nil:
			id = "fix.cert_name_mismatch.alternative"
		case len(e.CertNames) > 0:
			id = "fix.cert_name_mismatch.names"
		}
	case KindDNSNotFound:
		if !e.Provider.IsZero() {
			// A host of the built-in table is spelt right.
			id = "fix.dns_not_found.known"
		}
	case KindCertInvalid, KindTLSHandshake:
		id = "fix.tls_config"
	case KindTimeout, KindConnectionClosed, KindNetwork:
		id = "fix.retry"
	case KindResponseTooLong, KindProtocolError:
		id = "fix.not_mail"
	}
	if hint := e.replyHint(); hint != "" {
		id = "fix.reply." + hint
	}
	if !msg.Has(id) {
		id = "fix.other"
	}
	return msg.Get(id).Fill(e.args()...)
}
