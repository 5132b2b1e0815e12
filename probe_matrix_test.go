package mailsettings_test

import (
	"context"
	"sync"
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
	type cell struct {
		p              mailsettings.Protocol
		client, server mailsettings.Encryption
		res            *mailsettings.ProbeResult
		err            error
		took           time.Duration
	}
	var cells []*cell
	for _, p := range protocols {
		for _, client := range encryptions {
			for _, server := range encryptions {
				cells = append(cells, &cell{p: p, client: client, server: server})
			}
		}
	}
	// All cells are probed at once, outside the -parallel limit: the
	// cells where a plaintext greeting is awaited from an implicit-TLS
	// server wait the Prober's greeting wait (5 seconds by default).
	var wg sync.WaitGroup
	for _, c := range cells {
		srv := newServer(t, c.p, c.server)
		e := srv.Endpoint()
		e.Encryption = c.client
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), longWait)
			defer cancel()
			start := time.Now()
			c.res, c.err = srv.Prober().Probe(ctx, e)
			c.took = time.Since(start)
		})
	}
	wg.Wait()
	for _, c := range cells {
		t.Run(c.p.String()+"/client="+c.client.String()+"/server="+c.server.String(), func(t *testing.T) {
			if c.res == nil {
				t.Fatalf("nil result; error %v", c.err)
			}
			w := want[c.client][c.server]
			if w == ok {
				if c.err != nil {
					t.Fatalf("Probe: %v, want success", c.err)
				}
				if c.client == plain && !c.res.GreetingBeforeTLS {
					t.Errorf("plaintext greeting not marked as before TLS")
				}
				return
			}
			pe := wantKind(t, c.err, w)
			if w == mailsettings.KindExpectedTLSGotPlaintext && pe.Detected != c.p {
				t.Errorf("Detected = %v, want %v", pe.Detected, c.p)
			}
			// A mode mismatch is diagnosed within the greeting wait, not
			// at the end of the deadline (it used to take three quarters
			// of it).
			if c.took > longWait/2 {
				t.Errorf("diagnosis took %v with a deadline of %v", c.took, longWait)
			}
		})
	}
}
