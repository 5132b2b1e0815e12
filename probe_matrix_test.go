package mailsettings_test

import (
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
)

// TestModeMatrix probes every protocol's server in each mode with a client
// in each mode, and checks the diagnosis of every cell.
func TestModeMatrix(t *testing.T) {
	const ok = mailsettings.ErrorKind("")
	// want[client][server]
	want := map[mailsettings.Encryption]map[mailsettings.Encryption]mailsettings.ErrorKind{
		itls:  {itls: ok, stls: mailsettings.KindExpectedTLSGotPlaintext, plain: mailsettings.KindExpectedTLSGotPlaintext},
		stls:  {itls: mailsettings.KindExpectedPlaintextGotTLS, stls: ok, plain: mailsettings.KindSTARTTLSNotOffered},
		plain: {itls: mailsettings.KindExpectedPlaintextGotTLS, stls: ok, plain: ok},
	}
	for _, p := range protocols {
		for _, client := range encryptions {
			for _, server := range encryptions {
				name := p.String() + "/client=" + client.String() + "/server=" + server.String()
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, p, server)
					// A plaintext client facing an implicit-TLS server waits
					// three quarters of this for a greeting before trying TLS.
					res, err := probe(t, srv, client, 4*time.Second)
					w := want[client][server]
					if w == ok {
						if err != nil {
							t.Fatalf("Probe: %v, want success", err)
						}
						if client == plain && !res.GreetingBeforeTLS {
							t.Errorf("plaintext greeting not marked as before TLS")
						}
						return
					}
					pe := wantKind(t, err, w)
					if w == mailsettings.KindExpectedTLSGotPlaintext && pe.Detected != p {
						t.Errorf("Detected = %v, want %v", pe.Detected, p)
					}
				})
			}
		}
	}
}
