package autodiscover

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
	"github.com/mailsettings/mailsettings/internal/xmlwalk"
)

// Bounds on the values kept from a response, in bytes.
const (
	maxDisplayName = 256
	maxLoginName   = 320
	maxFlag        = 32
	maxURL         = 2048
	maxMessage     = 512
	maxOtherTypes  = 16
)

// Parser reads Autodiscover responses. The zero value is ready to use.
type Parser struct {
	// Dropped, if not nil, is called for each Protocol element left out
	// (a bad Server or Port), with a short description of it.
	Dropped func(protocol string, reason error)
}

// ParseResponse is Parser{}.ParseResponse.
func ParseResponse(body []byte) (Response, error) { return Parser{}.ParseResponse(body) }

// ParseResponse reads one response body. It walks the XML tokens with an
// explicit path, so that size and depth stay bounded: the body is limited
// to MaxBodySize, nesting to MaxDepth and the text of one element to
// MaxText, and a DOCTYPE (and with it every entity declaration) is
// refused. Element names are matched by local name without case, whatever
// their namespace, since servers vary; the root must be Autodiscover.
//
// The kind follows Account/Action ("settings", "redirectUrl",
// "redirectAddr", without case) or, when Action is absent, whichever of
// RedirectAddr, RedirectUrl or Protocol is present; an Error element
// makes a KindError response. Only the first Account is read. Protocol
// elements of other types are skipped (see Response.OtherTypes); IMAP,
// POP3 and SMTP ones without a valid Server and Port are dropped.
func (p Parser) ParseResponse(body []byte) (Response, error) {
	if len(body) > MaxBodySize {
		return Response{}, fmt.Errorf("%w: larger than %d bytes", ErrResponse, MaxBodySize)
	}
	raw, err := decode(body)
	if err != nil {
		return Response{}, fmt.Errorf("%w: %v", ErrResponse, err)
	}
	return p.convert(raw)
}

// rawProtocol is a Protocol element as written.
type rawProtocol struct {
	typ, server, port, loginName, ssl, encryption, spa, domainRequired, authRequired string
}

// rawResponse holds the parts of a response this package reads.
type rawResponse struct {
	displayName, action, redirectURL, redirectAddr string
	sawError                                       bool
	errorCode, errorMessage                        string
	protocols                                      []rawProtocol
	extraProtocols                                 bool
}

func decode(body []byte) (*rawResponse, error) {
	var (
		r        rawResponse
		proto    *rawProtocol
		accounts int // Account elements seen; only the first is read
	)
	w := xmlwalk.Walker{Root: "autodiscover", FoldCase: true, MaxDepth: MaxDepth, MaxText: MaxText,
		Start: func(path string, _ xml.StartElement) {
			switch path {
			case "autodiscover/response/account":
				accounts++
			case "autodiscover/response/account/protocol":
				if accounts == 1 {
					if len(r.protocols) < MaxProtocols {
						r.protocols = append(r.protocols, rawProtocol{})
						proto = &r.protocols[len(r.protocols)-1]
					} else {
						r.extraProtocols = true
					}
				}
			case "autodiscover/response/error", "autodiscover/response/account/error", "autodiscover/error":
				r.sawError = true
			}
		},
		End: func(path, v string) {
			r.set(path, v, proto, accounts)
			if path == "autodiscover/response/account/protocol" {
				proto = nil
			}
		},
	}
	if err := w.Walk(body); err != nil {
		return nil, err
	}
	return &r, nil
}

// set stores the text of the element at path.
func (r *rawResponse) set(path, v string, p *rawProtocol, accounts int) {
	switch path {
	case "autodiscover/response/user/displayname":
		r.displayName = v
		return
	case "autodiscover/response/error/errorcode", "autodiscover/response/account/error/errorcode", "autodiscover/error/errorcode":
		r.errorCode = v
		return
	case "autodiscover/response/error/message", "autodiscover/response/account/error/message", "autodiscover/error/message":
		r.errorMessage = v
		return
	}
	if accounts != 1 {
		return
	}
	switch path {
	case "autodiscover/response/account/action":
		r.action = v
	case "autodiscover/response/account/redirecturl":
		r.redirectURL = v
	case "autodiscover/response/account/redirectaddr":
		r.redirectAddr = v
	}
	if p == nil || !strings.HasPrefix(path, "autodiscover/response/account/protocol/") {
		return
	}
	switch path[len("autodiscover/response/account/protocol/"):] {
	case "type":
		p.typ = v
	case "server":
		p.server = v
	case "port":
		p.port = v
	case "loginname":
		p.loginName = v
	case "ssl":
		p.ssl = v
	case "encryption":
		p.encryption = v
	case "spa":
		p.spa = v
	case "domainrequired":
		p.domainRequired = v
	case "authrequired":
		p.authRequired = v
	}
}

func (p Parser) drop(what string, reason error) {
	if p.Dropped != nil {
		p.Dropped(what, reason)
	}
}

// convert validates the raw response and decides its kind.
func (p Parser) convert(r *rawResponse) (Response, error) {
	if r.sawError {
		return Response{
			Kind:         KindError,
			ErrorCode:    sanitize.Text(r.errorCode, maxFlag),
			ErrorMessage: sanitize.Text(r.errorMessage, maxMessage),
		}, nil
	}
	var kind Kind
	switch strings.ToLower(r.action) {
	case "settings":
		kind = KindSettings
	case "redirecturl":
		kind = KindRedirectURL
	case "redirectaddr":
		kind = KindRedirectAddr
	case "":
		switch {
		case r.redirectAddr != "":
			kind = KindRedirectAddr
		case r.redirectURL != "":
			kind = KindRedirectURL
		case len(r.protocols) > 0:
			kind = KindSettings
		}
	default:
		return Response{}, fmt.Errorf("%w: unknown Action %q", ErrResponse, sanitize.Text(r.action, maxFlag))
	}
	switch kind {
	case KindRedirectURL:
		u := sanitize.Text(r.redirectURL, maxURL)
		if u == "" {
			return Response{}, fmt.Errorf("%w: Action redirectUrl without a RedirectUrl", ErrResponse)
		}
		return Response{Kind: kind, RedirectURL: u}, nil
	case KindRedirectAddr:
		a := sanitize.Text(r.redirectAddr, maxLoginName)
		if a == "" {
			return Response{}, fmt.Errorf("%w: Action redirectAddr without a RedirectAddr", ErrResponse)
		}
		return Response{Kind: kind, RedirectAddr: a}, nil
	case KindSettings:
	default:
		return Response{}, fmt.Errorf("%w: no Account settings, redirect or Error", ErrResponse)
	}
	resp := Response{Kind: KindSettings, DisplayName: sanitize.Text(r.displayName, maxDisplayName)}
	for _, rp := range r.protocols {
		typ := strings.ToUpper(sanitize.Text(rp.typ, maxFlag))
		if typ != "IMAP" && typ != "POP3" && typ != "SMTP" {
			if typ != "" && !slices.Contains(resp.OtherTypes, typ) && len(resp.OtherTypes) < maxOtherTypes {
				resp.OtherTypes = append(resp.OtherTypes, typ)
			}
			continue
		}
		desc := fmt.Sprintf("%s Server=%q Port=%q", typ, sanitize.Text(rp.server, 80), sanitize.Text(rp.port, 12))
		host, err := hostname.Canonical(rp.server, hostname.Server)
		if err != nil {
			p.drop(desc, err)
			continue
		}
		port, err := strconv.ParseUint(rp.port, 10, 16)
		if err != nil || port == 0 {
			p.drop(desc, errors.New("the Port is not a number from 1 to 65535"))
			continue
		}
		pr := Protocol{
			Type:           typ,
			Server:         host,
			Port:           int(port),
			LoginName:      sanitize.Text(rp.loginName, maxLoginName),
			SSL:            sanitize.Text(rp.ssl, maxFlag),
			Encryption:     sanitize.Text(rp.encryption, maxFlag),
			SPA:            sanitize.Text(rp.spa, maxFlag),
			DomainRequired: sanitize.Text(rp.domainRequired, maxFlag),
			AuthRequired:   sanitize.Text(rp.authRequired, maxFlag),
		}
		if !slices.Contains(resp.Protocols, pr) {
			resp.Protocols = append(resp.Protocols, pr)
		}
	}
	if r.extraProtocols {
		p.drop("Protocol", fmt.Errorf("more than %d Protocol elements; the rest were not read", MaxProtocols))
	}
	return resp, nil
}
