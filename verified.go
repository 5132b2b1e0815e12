package mailsettings

// unusualEndpoint reports whether e pairs its port and encryption against
// convention (RFC 8314): implicit TLS on 587, 143, 110 or 25, STARTTLS or
// plaintext on 465, 993 or 995, or a protocol on another protocol's port.
// The data tests require every such endpoint to be listed by
// verifiedUnusualEndpoints.
func unusualEndpoint(e ServerEndpoint) bool {
	switch e.Port {
	case 587, 143, 110, 25:
		if e.Encryption == ImplicitTLS {
			return true
		}
	case 465, 993, 995:
		if e.Encryption != ImplicitTLS {
			return true
		}
	}
	switch e.Port {
	case 143, 993:
		return e.Protocol != IMAP
	case 110, 995:
		return e.Protocol != POP3
	case 25, 465, 587:
		return e.Protocol != SMTP
	}
	return false
}

// verifiedUnusualEndpoints returns the unusual endpoints (see
// unusualEndpoint) that are kept because a source confirms them, with that
// source.
func verifiedUnusualEndpoints() map[ServerEndpoint]string {
	return map[ServerEndpoint]string{
		ep(SMTP, "mobile.charter.net", 587, ImplicitTLS, addr): "Thunderbird ISPDB charter.net.xml (\"Yes, they have SSL (not STARTTLS, not plain SMTP) on port 587. Spec violation.\") and FairEmail providers.xml (\"Unusual, but no STARTTLS at port 587\")",
	}
}
