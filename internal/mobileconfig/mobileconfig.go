// Package mobileconfig writes unsigned Apple configuration profiles
// (.mobileconfig) that set up one mail account in Apple Mail on iOS,
// iPadOS, macOS and visionOS, with the payload type com.apple.mail.managed
// of Apple's Device Management "Mail" payload reference
// (developer.apple.com/documentation/devicemanagement/mail).
//
// A profile holds an IMAP or POP incoming server and an SMTP outgoing
// server: host, port, whether to use SSL, and optionally the email address,
// user name and account name; it never holds a password (Apple Mail asks
// for one when the profile is installed, as it does for any key left out).
// Profiles are deterministic: PayloadIdentifier and PayloadUUID derive from
// the domain alone (see [Identifier] and [UUID]), so serving the profile
// again gives the same bytes and installing it again replaces the earlier
// one. The output is an XML property list with sorted keys.
//
// Signing is left to the caller: [MarshalSigned] hands the unsigned bytes
// to a [Signer] (for example one that makes a CMS SignedData with the
// certificate of the web server); this package has no keys.
//
// # SSL, STARTTLS and implicit TLS
//
// The payload has only IncomingMailServerUseSSL and
// OutgoingMailServerUseSSL, booleans that Apple describes as enabling SSL
// for the server, with no way to say STARTTLS. Two servers read them
// differently: mox (mjl-/mox, http/mobileconfig.go) sets UseSSL only for
// implicit TLS and false for STARTTLS, noting that the keys are
// underspecified; automx 3.0 (croessner/automx,
// src/automx/renderers/mobileconfig.py) sets UseSSL for both. With UseSSL
// false Apple Mail may connect without TLS, so this package writes true for
// both modes, as automx does, and relies on Apple Mail choosing the TLS
// mode by port, as its account dialog does (a single "Use TLS/SSL" switch;
// reports such as LukeSmithxyz/emailwiz issue 300 show iOS Mail running
// STARTTLS on port 587 with it on). It therefore refuses what that cannot
// express: Plaintext, implicit TLS on a port other than 993, 995 or 465,
// and STARTTLS on a port other than 143, 110, 587 or 25.
package mobileconfig

import (
	"errors"

	"github.com/mailsettings/mailsettings/internal/tlsmode"
)

// ErrUnpublishable is wrapped by every error from Marshal.
var ErrUnpublishable = errors.New("mobileconfig: cannot write profile")

// ErrSign is wrapped by the error MarshalSigned returns when the Signer
// fails or returns nothing.
var ErrSign = errors.New("mobileconfig: signing failed")

// TLSMode is how a client secures a connection (see package tlsmode).
type TLSMode = tlsmode.Mode

// The TLS modes.
const (
	ImplicitTLS = tlsmode.ImplicitTLS
	STARTTLS    = tlsmode.STARTTLS
	Plaintext   = tlsmode.Plaintext
)

// Protocol is the incoming mail protocol.
type Protocol uint8

// The incoming protocols. The zero value is invalid.
const (
	IMAP Protocol = iota + 1 // EmailTypeIMAP
	POP3                     // EmailTypePOP
)

// A Server is the incoming or outgoing mail server.
type Server struct {
	Host     string // lower-case A-label host name
	Port     int
	TLS      TLSMode
	Username string // optional; Apple Mail asks when it is empty
}

// A Profile describes the one mail account a profile sets up.
type Profile struct {
	// Domain is the mail domain (a lower-case A-label name). Identifiers
	// and UUIDs derive from it.
	Domain string
	// EmailAddress is optional: Apple Mail asks for it when it is empty,
	// which makes one profile serve every user of the domain.
	EmailAddress string
	// AccountName (EmailAccountName, the user's name shown to
	// recipients) is optional.
	AccountName string
	// Description (EmailAccountDescription) names the account in Apple
	// Mail's list; "" means Domain. It is also the PayloadDisplayName.
	Description string
	// Organization (PayloadOrganization) is optional.
	Organization string

	Incoming         Server
	IncomingProtocol Protocol
	Outgoing         Server // SMTP submission
}

// A Signer signs a profile. Sign receives the exact unsigned bytes and
// returns the signed profile (a DER CMS SignedData that encloses them, as
// Apple devices expect); it must not keep or change unsigned.
type Signer interface {
	Sign(unsigned []byte) ([]byte, error)
}
