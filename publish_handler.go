package mailsettings

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/autodiscover"
	"github.com/mailsettings/mailsettings/internal/pacc"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// autoconfigContentType is the Content-Type of Mozilla autoconfig
// documents.
const autoconfigContentType = "application/xml; charset=utf-8"

// The paths PublishHandler serves.
const (
	autoconfigPath          = "/mail/config-v1.1.xml"                        // at autoconfig.DOMAIN
	autoconfigWellKnownPath = "/.well-known/autoconfig/mail/config-v1.1.xml" // at DOMAIN
	autodiscoverPath        = "/autodiscover/autodiscover.xml"               // any case, POST
	paccPath                = pacc.Path                                      // at ua-auto-config.DOMAIN
	mobileconfigPath        = "/mail/config.mobileconfig"                    // at autoconfig.DOMAIN or DOMAIN
	paccContentType         = "application/json"
)

// PublishHandler returns an http.Handler that serves, for the given mail
// domains, each mapped to the provider that hosts it, every configuration
// format this package writes, chosen by path and Host:
//
//	GET  https://autoconfig.DOMAIN/mail/config-v1.1.xml              Mozilla autoconfig
//	GET  https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml  Mozilla autoconfig
//	POST https://autodiscover.DOMAIN/autodiscover/autodiscover.xml   Exchange Autodiscover
//	POST https://DOMAIN/autodiscover/autodiscover.xml                Exchange Autodiscover
//	GET  https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json  PACC
//	GET  https://autoconfig.DOMAIN/mail/config.mobileconfig          Apple profile
//
// The documents are those of [Provider.MarshalAutoconfig],
// [Provider.MarshalAutodiscover], [Provider.MarshalPACC] and
// [Provider.MarshalMobileconfig], each listing only its own domain. The
// domain is the Host header's, without port and without the prefix the
// format's name uses (autoconfig., ua-auto-config.); the GET paths also
// work at DOMAIN itself. The autoconfig and profile paths take an
// emailaddress query parameter instead, which makes the profile one for
// that address. The Autodiscover path, matched without case as
// Microsoft's clients write it (/Autodiscover/Autodiscover.xml), answers
// the EMailAddress of the request body, read through a 64 KiB limit with
// DOCTYPEs refused, whatever the Host. Publish the DNS records of
// [Provider.SRVRecords] and of MarshalPACC's txt beside it.
//
// Documents are rendered here, once, except the Autodiscover answers and
// the profiles for an address, which hold the address and are rendered
// per request; nothing else from a request is written into a response.
// Unknown domains, other paths and formats that cannot express a domain's
// provider (call the writers to learn why) get 404; other methods 405.
// signer, if not nil, signs the profiles served.
//
// A key of domains may be given as users type it ("例子.中国",
// "Example.COM"). It fails if a key is not a valid domain, a provider is
// zero, the autoconfig document cannot be written, or signer fails.
func PublishHandler(domains map[string]Provider, signer ProfileSigner) (http.Handler, error) {
	return newPublishHandler(domains, signer)
}

// publishHandler serves the documents of a set of domains.
type publishHandler struct {
	signer ProfileSigner
	sites  map[string]*site // normalized domain -> its documents
}

// site holds what is served for one domain; nil documents and a false
// autodiscover are not served.
type site struct {
	provider     Provider // listing only this domain
	autoconfig   []byte
	pacc         []byte
	profile      []byte // for every user of the domain
	autodiscover bool
}

func newPublishHandler(domains map[string]Provider, signer ProfileSigner) (*publishHandler, error) {
	h := &publishHandler{signer: signer, sites: make(map[string]*site, len(domains))}
	for d, p := range domains {
		q, err := parseQuery(d)
		if err != nil || q.Local != "" {
			return nil, fmt.Errorf("mailsettings: handler: %q is not a domain", sanitize.Clip(d, 80))
		}
		if p.IsZero() {
			return nil, fmt.Errorf("mailsettings: handler: no provider for %s", q.Domain)
		}
		info := p.data().clone()
		info.Domains = []string{q.Domain}
		one, err := NewProvider(info)
		if err != nil {
			return nil, err
		}
		s := &site{provider: one}
		if s.autoconfig, err = one.MarshalAutoconfig(); err != nil {
			return nil, err
		}
		s.pacc, _, _ = one.MarshalPACC()
		_, err = one.MarshalAutodiscover("postmaster@" + q.Domain)
		s.autodiscover = err == nil
		s.profile, err = one.MarshalMobileconfig(q.Domain, signer)
		if err != nil && !errors.Is(err, ErrUnpublishable) {
			return nil, err
		}
		h.sites[q.Domain] = s
	}
	return h, nil
}

func (h *publishHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch path := r.URL.Path; {
	case path == autoconfigPath || path == autoconfigWellKnownPath:
		if allow(w, r, http.MethodGet, http.MethodHead) {
			if s := h.site(r, "autoconfig.", true); s != nil {
				serve(w, r, autoconfigContentType, s.autoconfig)
				return
			}
			http.NotFound(w, r)
		}
	case path == paccPath:
		if allow(w, r, http.MethodGet, http.MethodHead) {
			if s := h.site(r, "ua-auto-config.", false); s != nil && s.pacc != nil {
				serve(w, r, paccContentType, s.pacc)
				return
			}
			http.NotFound(w, r)
		}
	case path == mobileconfigPath:
		if allow(w, r, http.MethodGet, http.MethodHead) {
			h.serveProfile(w, r)
		}
	case strings.EqualFold(path, autodiscoverPath):
		if allow(w, r, http.MethodPost) {
			h.serveAutodiscover(w, r)
		}
	default:
		http.NotFound(w, r)
	}
}

// allow reports whether r's method is one of methods, and answers 405
// if not.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// serve writes doc with Content-Type ct, or only the headers for HEAD.
func serve(w http.ResponseWriter, r *http.Request, ct string, doc []byte) {
	if r.Method == http.MethodHead {
		setHeaders(w, ct, doc)
		return
	}
	serveStatus(w, http.StatusOK, ct, doc)
}

// serveStatus writes doc with status code.
func serveStatus(w http.ResponseWriter, code int, ct string, doc []byte) {
	setHeaders(w, ct, doc)
	w.WriteHeader(code)
	_, _ = w.Write(doc)
}

func setHeaders(w http.ResponseWriter, ct string, doc []byte) {
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
}

// site returns the documents of the domain r asks about, or nil: the
// domain of the emailaddress query parameter if withQuery and it is
// present, else the Host's without port and without prefix.
func (h *publishHandler) site(r *http.Request, prefix string, withQuery bool) *site {
	d := ""
	if a := r.URL.Query().Get("emailaddress"); withQuery && a != "" {
		if at := strings.LastIndexByte(a, '@'); at >= 0 {
			d = a[at+1:]
		}
	} else {
		d = r.Host
		if host, _, err := net.SplitHostPort(d); err == nil {
			d = host
		}
		if len(d) > len(prefix) && strings.EqualFold(d[:len(prefix)], prefix) {
			d = d[len(prefix):]
		}
	}
	q, err := parseQuery(d)
	if err != nil || q.Local != "" {
		return nil
	}
	return h.sites[q.Domain]
}

// serveProfile serves the Apple profile of the domain, or of the address
// in the emailaddress query parameter.
func (h *publishHandler) serveProfile(w http.ResponseWriter, r *http.Request) {
	a := r.URL.Query().Get("emailaddress")
	s := h.site(r, "autoconfig.", true)
	if s == nil || s.profile == nil {
		http.NotFound(w, r)
		return
	}
	doc := s.profile
	if a != "" {
		addr, err := address.Canonical(a)
		if err != nil || !dotAtomAddress(addr) {
			http.NotFound(w, r)
			return
		}
		if doc, err = s.provider.MarshalMobileconfig(addr, h.signer); err != nil {
			code := http.StatusNotFound
			if !errors.Is(err, ErrUnpublishable) {
				code = http.StatusInternalServerError // the signer failed
			}
			http.Error(w, http.StatusText(code), code)
			return
		}
	}
	w.Header().Set("Content-Disposition", `attachment; filename="mail.mobileconfig"`)
	serve(w, r, mobileconfigContentType, doc)
}

// serveAutodiscover answers an Autodiscover POST for the address in its
// body.
func (h *publishHandler) serveAutodiscover(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var err error
	if r.Body != nil { // as in a Request built for a client
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, autodiscover.MaxRequestSize))
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	addr, err := autodiscover.ParseRequest(body)
	if err == nil && !dotAtomAddress(addr) {
		err = errors.New("not a dot-atom address")
	}
	switch {
	case errors.Is(err, autodiscover.ErrSchema):
		// MS-OXDSCLI: 601, the requested schema is not provided.
		serveStatus(w, http.StatusOK, autodiscover.ResponseContentType, autodiscover.MarshalError("601", "Provider is not available."))
		return
	case err != nil:
		serveStatus(w, http.StatusBadRequest, autodiscover.ResponseContentType, autodiscover.MarshalError("600", "Invalid Request"))
		return
	}
	s := h.sites[addr[strings.LastIndexByte(addr, '@')+1:]]
	if s == nil || !s.autodiscover {
		http.NotFound(w, r)
		return
	}
	doc, err := s.provider.MarshalAutodiscover(addr)
	if err != nil {
		serveStatus(w, http.StatusBadRequest, autodiscover.ResponseContentType, autodiscover.MarshalError("600", "Invalid Request"))
		return
	}
	serve(w, r, autodiscover.ResponseContentType, doc)
}

// dotAtomAddress reports whether the local part of addr, an address from
// address.Canonical, is a dot-atom (RFC 5322 §3.2.3, with the UTF-8 of
// RFC 6532 limited to letters, marks and digits), the only form the
// handler answers for: it is the address written into the answer, and
// real mailboxes need nothing else.
func dotAtomAddress(addr string) bool {
	local := addr[:max(strings.LastIndexByte(addr, '@'), 0)]
	if local == "" || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*+-/=?^_`{|}~", r)):
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	return true
}
