package mailsettings

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// AutoconfigContentType is the Content-Type of the documents that
// [AutoconfigHandler] serves.
const AutoconfigContentType = "application/xml; charset=utf-8"

// AutoconfigHandler returns an http.Handler that serves Mozilla autoconfig
// v1.1 documents (see [Provider.MarshalAutoconfig]) for the given mail domains, each
// mapped to the provider that hosts it, at the two paths clients ask for:
//
//	/mail/config-v1.1.xml                      (https://autoconfig.DOMAIN/...)
//	/.well-known/autoconfig/mail/config-v1.1.xml (https://DOMAIN/...)
//
// The domain is taken from the emailaddress query parameter if present,
// otherwise from the Host header, without its port and without an
// "autoconfig." prefix. Each document lists only its own domain. Unknown
// domains and other paths get 404, methods other than GET and HEAD 405.
// Documents are rendered once, here; the handler does no I/O of its own.
//
// A key of domains may be given as users type it ("例子.中国", "Example.COM");
// it fails if a key is not a valid domain, a provider is zero, or a
// document cannot be written.
func AutoconfigHandler(domains map[string]Provider) (http.Handler, error) {
	h := &autoconfigHandler{docs: make(map[string][]byte, len(domains))}
	for d, p := range domains {
		q, err := parseQuery(d)
		if err != nil || q.Local != "" {
			return nil, fmt.Errorf("mailsettings: autoconfig handler: %q is not a domain", d)
		}
		if p.IsZero() {
			return nil, fmt.Errorf("mailsettings: autoconfig handler: no provider for %s", q.Domain)
		}
		info := p.data().clone()
		info.Domains = []string{q.Domain}
		one, err := NewProvider(info)
		if err != nil {
			return nil, err
		}
		doc, err := one.MarshalAutoconfig()
		if err != nil {
			return nil, err
		}
		h.docs[q.Domain] = doc
	}
	return h, nil
}

type autoconfigHandler struct {
	docs map[string][]byte // normalized domain -> document
}

func (h *autoconfigHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/mail/config-v1.1.xml" && r.URL.Path != "/.well-known/autoconfig/mail/config-v1.1.xml" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	doc := h.docs[requestDomain(r)]
	if doc == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", AutoconfigContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", fmt.Sprint(len(doc)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(doc)
}

// requestDomain returns the normalized mail domain a request asks about,
// or "".
func requestDomain(r *http.Request) string {
	d := ""
	if a := r.URL.Query().Get("emailaddress"); a != "" {
		if at := strings.LastIndexByte(a, '@'); at >= 0 {
			d = a[at+1:]
		}
	} else {
		d = r.Host
		if h, _, err := net.SplitHostPort(d); err == nil {
			d = h
		}
		if len(d) > len("autoconfig.") && strings.EqualFold(d[:len("autoconfig.")], "autoconfig.") {
			d = d[len("autoconfig."):]
		}
	}
	q, err := parseQuery(d)
	if err != nil || q.Local != "" {
		return ""
	}
	return q.Domain
}
