package dnsstub

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

const (
	// retransmit is how long to wait for a UDP answer before sending the
	// question again.
	retransmit = time.Second
	// maxSends bounds how often the question is sent over UDP.
	maxSends = 3
)

// exchange asks q over UDP and, if the answer is truncated, over TCP. ctx
// has a deadline.
func (c *Client) exchange(ctx context.Context, server netip.AddrPort, q question) (*Response, error) {
	var idb [2]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return nil, err
	}
	id := binary.BigEndian.Uint16(idb[:])
	payload := min(udpSize, c.maxResponse())
	query, err := buildQuery(id, q, payload)
	if err != nil {
		return nil, err
	}
	resp, err := c.exchangeUDP(ctx, server, id, q, query[2:])
	if !errors.Is(err, errTC) {
		return resp, err
	}
	resp, err = c.exchangeTCP(ctx, server, id, q, query)
	if resp != nil {
		resp.TCP = true
	}
	return resp, err
}

// open dials server over network and sets the context's deadline on the
// connection, which is closed when the context ends; call the returned
// function when done.
func (c *Client) open(ctx context.Context, network string, server netip.AddrPort) (net.Conn, *watcher, time.Time, func(), error) {
	conn, err := c.dial(ctx, network, server.String())
	if err != nil {
		return nil, nil, time.Time{}, nil, ctxOr(ctx, err)
	}
	w := watch(ctx, conn)
	deadline, _ := ctx.Deadline()
	w.setDeadline(deadline)
	return conn, w, deadline, func() { w.stop(); conn.Close() }, nil
}

func (c *Client) exchangeUDP(ctx context.Context, server netip.AddrPort, id uint16, q question, query []byte) (*Response, error) {
	conn, w, deadline, done, err := c.open(ctx, "udp", server)
	if err != nil {
		return nil, err
	}
	defer done()

	limit := c.maxResponse()
	buf := make([]byte, limit+1)
	sends := 0
	var next time.Time // when to send (again)
	for {
		if sends < maxSends && !time.Now().Before(next) {
			if _, err := conn.Write(query); err != nil {
				return nil, ctxOr(ctx, err)
			}
			sends++
			next = time.Now().Add(retransmit)
		}
		readBy := deadline
		if sends < maxSends && next.Before(deadline) {
			readBy = next
		}
		w.setReadDeadline(readBy)
		n, err := conn.Read(buf)
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, os.ErrDeadlineExceeded) && time.Now().Before(deadline) {
				continue // time to send again
			}
			return nil, ctxOr(ctx, err)
		}
		if n > limit {
			if !isHeaderMatch(buf[:n], id) {
				continue // not ours either
			}
			return nil, fmt.Errorf("%w: more than %d octets over UDP", ErrTooLarge, limit)
		}
		resp, err := parseResponse(buf[:n], id, q)
		if errors.Is(err, errMismatch) {
			continue // not ours: an old answer, or forged
		}
		return resp, err
	}
}

// isHeaderMatch reports whether msg starts with the header of a response
// to the query with ID id.
func isHeaderMatch(msg []byte, id uint16) bool {
	return len(msg) >= 12 && binary.BigEndian.Uint16(msg) == id && msg[2]&0x80 != 0
}

func (c *Client) exchangeTCP(ctx context.Context, server netip.AddrPort, id uint16, q question, query []byte) (*Response, error) {
	conn, _, _, done, err := c.open(ctx, "tcp", server)
	if err != nil {
		return nil, err
	}
	defer done()

	binary.BigEndian.PutUint16(query, uint16(len(query)-2))
	if _, err := conn.Write(query); err != nil {
		return nil, ctxOr(ctx, err)
	}
	var lb [2]byte
	if _, err := io.ReadFull(conn, lb[:]); err != nil {
		return nil, ctxOr(ctx, err)
	}
	n := int(binary.BigEndian.Uint16(lb[:]))
	if limit := c.maxResponse(); n > limit {
		return nil, fmt.Errorf("%w: %d octets over TCP, limit %d", ErrTooLarge, n, limit)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(conn, msg); err != nil {
		return nil, ctxOr(ctx, err)
	}
	resp, err := parseResponse(msg, id, q)
	switch {
	case errors.Is(err, errMismatch):
		return nil, fmt.Errorf("%w: the TCP response does not match the question", ErrBadResponse)
	case errors.Is(err, errTC):
		return nil, ErrTruncated
	}
	return resp, err
}

// ctxOr returns ctx's error if it is done or its deadline has passed (the
// I/O error is then only its consequence: the connection's deadline is the
// context's, and may expire a moment before the context reports it), and
// otherwise err.
func ctxOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if d, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return err
}

// A watcher interrupts the I/O on a connection when a context is done, by
// moving the connection's deadlines into the past. Its goroutine (started
// by context.AfterFunc only when the context is done) has ended when stop
// returns.
type watcher struct {
	conn    net.Conn
	mu      sync.Mutex
	fired   bool
	stopped func() bool
	done    chan struct{}
}

func watch(ctx context.Context, conn net.Conn) *watcher {
	w := &watcher{conn: conn, done: make(chan struct{})}
	w.stopped = context.AfterFunc(ctx, func() {
		defer close(w.done)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.fired = true
		_ = conn.SetDeadline(time.Unix(1, 0))
	})
	return w
}

// setDeadline sets the connection's deadline unless the context is done.
func (w *watcher) setDeadline(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.fired {
		_ = w.conn.SetDeadline(t)
	}
}

// setReadDeadline sets the read deadline unless the context is done.
func (w *watcher) setReadDeadline(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.fired {
		_ = w.conn.SetReadDeadline(t)
	}
}

// stop ends the watch and waits for an interruption in progress to finish.
func (w *watcher) stop() {
	if !w.stopped() {
		<-w.done
	}
}
