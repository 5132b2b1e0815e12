package wire

import (
	"bufio"
	"errors"
	"io"
)

// The bounds on what a server may send. A line longer than MaxLine or a
// response (greeting, capability list, reply) longer than MaxResponse ends
// the session with [KindResponseTooLong]. go-smtp allows 2000-byte lines;
// IMAP capability lines can be longer, so lines get 4 KiB.
const (
	MaxLine     = 4096
	MaxResponse = 64 << 10
)

var (
	errLineTooLong     = errors.New("server line longer than 4096 bytes")
	errResponseTooLong = errors.New("server response longer than 64 KiB")
)

// A lineReader reads CRLF-terminated lines from a server with bounds on the
// length of a line and of a whole response.
type lineReader struct {
	br *bufio.Reader
	n  int // bytes read in the current response
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, MaxLine)}
}

// startResponse resets the per-response byte count.
func (l *lineReader) startResponse() { l.n = 0 }

// buffered reports how many bytes were received but not yet read.
func (l *lineReader) buffered() int { return l.br.Buffered() }

// readLine returns the next line without its line ending. A bare LF ends a
// line too. The returned string is a copy.
func (l *lineReader) readLine() (string, error) {
	line, err := l.br.ReadSlice('\n')
	l.n += len(line)
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", errLineTooLong
	case l.n > MaxResponse:
		return "", errResponseTooLong
	case err != nil:
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line), nil
}

// skip discards n bytes (an IMAP literal), counting them in the response.
func (l *lineReader) skip(n int) error {
	if n < 0 || l.n+n > MaxResponse {
		return errResponseTooLong
	}
	l.n += n
	_, err := l.br.Discard(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
