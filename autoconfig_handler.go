package mailsettings

import "net/http"

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
// [PublishHandler] serves the other formats too.
//
// A key of domains may be given as users type it ("例子.中国", "Example.COM");
// it fails if a key is not a valid domain, a provider is zero, or a
// document cannot be written.
func AutoconfigHandler(domains map[string]Provider) (http.Handler, error) {
	h, err := newPublishHandler(domains, nil, false)
	if err != nil {
		return nil, err
	}
	return h, nil
}
