package cli

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a strings.Builder safe for the progress goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressOff(t *testing.T) {
	var buf syncBuffer
	p := StartProgress(&buf, false, Lang{})
	p.Add(false)
	p.Stop()
	if buf.String() != "" {
		t.Errorf("a Progress that is off wrote %q", buf.String())
	}
}

func TestProgressShortRun(t *testing.T) {
	var buf syncBuffer
	p := StartProgress(&buf, true, Lang{})
	p.Add(false)
	p.Stop()
	if buf.String() != "" {
		t.Errorf("a run shorter than the delay showed %q", buf.String())
	}
}

func TestProgressLongRun(t *testing.T) {
	var buf syncBuffer
	p := StartProgress(&buf, true, ChooseLang("zh-Hans", nil))
	p.Add(false)
	p.Add(true)
	time.Sleep(progressDelay + 2*progressEvery)
	p.Stop()
	out := buf.String()
	if !strings.Contains(out, "已完成 2，失败 1") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}
}
