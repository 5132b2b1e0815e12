package mailsettings

import (
	"strconv"

	"github.com/mailsettings/mailsettings/internal/msg"
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

// Fix returns a suggested fix, in every language of [Text]. For an endpoint
// of a known provider, the provider's notes (app passwords, authorization
// codes, OAuth2, IMAP ID) are appended.
func (e *ProbeError) Fix() Text {
	t := e.fix()
	if !e.Provider.IsZero() {
		name := e.Provider.data().Name
		for _, n := range e.Provider.data().Notes {
			t = msg.Join(t, msg.Get("probe.provider-note").Fill(msg.Plain("provider", name), msg.Local("note", n.Text.t)))
		}
	}
	return textOf(t)
}

// args are the values every explanation and fix may use.
func (e *ProbeError) args() []msg.Arg {
	ep := e.Endpoint
	detected := msg.Text{}
	if e.Detected != 0 {
		detected = msg.Text{article(e.Detected.String()) + " " + e.Detected.String() + " server", e.Detected.String() + "服务器", e.Detected.String() + "伺服器"}
	}
	what := ep.Protocol.String()
	if e.Detected != 0 {
		what = e.Detected.String()
	}
	step := msg.Get("step." + string(e.Step))
	if !msg.Has("step." + string(e.Step)) {
		step = msg.Get("step.other").Fill(msg.Plain("step", string(e.Step)))
	}
	return []msg.Arg{
		msg.Plain("host", ep.Host),
		msg.Plain("port", strconv.Itoa(int(ep.Port))),
		msg.Plain("proto", ep.Protocol.String()),
		msg.Plain("what", what),
		msg.Plain("cause", e.cause()),
		msg.Plain("date", e.CertNotAfter.UTC().Format("2006-01-02")),
		msg.Local("detected", detected),
		msg.Local("enc", msg.Get("enc."+encID(ep.Encryption))),
		msg.Local("step", step),
		msg.Local("names", msg.List(e.CertNames)),
		msg.Local("ports", msg.Get(portsID(ep.Protocol))),
	}
}

// article returns "an" for a word read with a vowel sound first (IMAP,
// SMTP: "an S-M-T-P"), "a" otherwise (POP3).
func article(word string) string {
	if word != "" && (word[0] == 'I' || word[0] == 'S' || word[0] == 'A' || word[0] == 'E' || word[0] == 'O') {
		return "an"
	}
	return "a"
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
	switch {
	case e.Kind == KindCertExpired && !e.CertNotAfter.IsZero():
		id = "explain.cert_expired.until"
	case !msg.Has(id):
		id = "explain.other"
	}
	t := msg.Get(id).Fill(e.args()...)
	if (e.Kind == KindCertUntrusted || e.Kind == KindCertNameMismatch) && len(e.CertNames) > 0 {
		t = msg.Join(t, msg.Get("probe.cert-covers").Fill(e.args()...))
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
		if len(e.CertNames) > 0 {
			id = "fix.cert_name_mismatch.names"
		}
	case KindCertInvalid, KindTLSHandshake:
		id = "fix.tls_config"
	case KindTimeout, KindConnectionClosed, KindNetwork:
		id = "fix.retry"
	case KindResponseTooLong, KindProtocolError:
		id = "fix.not_mail"
	}
	if !msg.Has(id) {
		id = "fix.other"
	}
	return msg.Get(id).Fill(e.args()...)
}
