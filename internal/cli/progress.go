package cli

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
)

// A Progress shows one line on standard error while bulk work runs:
// "1200 done, 3 failed, 85/s", redrawn in place. It shows nothing unless
// it is on (standard error is a terminal) and the work has already taken
// longer than a second, so short runs and pipes see no trace of it.
type Progress struct {
	w      io.Writer
	lang   Lang
	start  time.Time
	mu     sync.Mutex
	done   int
	failed int
	shown  bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

// Progress timing.
const (
	progressDelay = time.Second
	progressEvery = 250 * time.Millisecond
)

// StartProgress starts a Progress writing to w, if on. Stop must be
// called; a Progress that is off does nothing and starts no goroutine.
func StartProgress(w io.Writer, on bool, lang Lang) *Progress {
	p := &Progress{w: w, lang: lang, start: time.Now()}
	if !on {
		return p
	}
	p.stop = make(chan struct{})
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *Progress) run() {
	defer p.wg.Done()
	delay := time.NewTimer(progressDelay)
	defer delay.Stop()
	select {
	case <-delay.C:
	case <-p.stop:
		return
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		p.draw()
		select {
		case <-tick.C:
		case <-p.stop:
			return
		}
	}
}

func (p *Progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := float64(p.done) / time.Since(p.start).Seconds()
	line := p.lang.T("progress", "done", strconv.Itoa(p.done), "failed", strconv.Itoa(p.failed), "rate", strconv.FormatFloat(rate, 'f', 0, 64))
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	p.shown = true
}

// Add counts one finished item.
func (p *Progress) Add(failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if failed {
		p.failed++
	}
}

// Clear removes the line, if shown, so that other output to the same
// terminal starts on a clean line; the next redraw brings it back.
func (p *Progress) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *Progress) clear() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// Stop ends the Progress and removes its line.
func (p *Progress) Stop() {
	if p.stop != nil {
		close(p.stop)
		p.wg.Wait()
		p.stop = nil
	}
	p.Clear()
}
