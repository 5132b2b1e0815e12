// Package testproc runs a server as a child of the test binary, for the
// tests that need a real one (Dovecot, Postfix, mox, maddy, unbound). Its
// stdout and stderr go to a log file opened O_APPEND, so servers that
// reopen /dev/stdout or /dev/stderr append to it too. No goroutine copies
// output: the only goroutine is the one waiting for the process, and it
// ends when the process does. It is used only by test tooling.
package testproc

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// StopTimeout bounds a graceful stop (StopGroup) before the process group
// is killed.
const StopTimeout = 5 * time.Second

// Options are the less common settings of a started process.
type Options struct {
	// Dir is the working directory; "" means the test binary's.
	Dir string
	// NewMountNS runs the process in a mount namespace of its own.
	NewMountNS bool
}

// A Process is a started child. It has its own process group, so that a
// signal to the group reaches the server's children, and gets SIGTERM if
// the test binary dies without running its cleanups (a -timeout panic).
type Process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed once the process has been waited for
	waitErr error         // valid after done is closed
}

// Start starts argv as name, with its output appended to logPath.
func Start(name, logPath string, o Options, argv ...string) (*Process, error) {
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = o.Dir
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if o.NewMountNS {
		cmd.SysProcAttr.Unshareflags = syscall.CLONE_NEWNS
	}
	p := &Process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the thread that forked the child exits,
		// not the process; keep this goroutine, and so its thread, alive
		// for as long as the child runs. The thread ends with it.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			close(p.done)
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// WaitExit waits up to d for the process to end.
func (p *Process) WaitExit(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-p.done:
		return true
	case <-timer.C:
		return false
	}
}

// KillGroup sends SIGKILL to the process group and waits for the child.
func (p *Process) KillGroup() {
	if !p.Exited() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-p.done
}

// StopGroup sends SIGTERM to the process and all its children at once
// (they share the process group) and kills the group if the process has
// not ended within StopTimeout.
func (p *Process) StopGroup() {
	if !p.Exited() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	}
	if !p.WaitExit(StopTimeout) {
		p.KillGroup()
	}
}

// Logs returns what the process wrote to stdout and stderr so far.
func (p *Process) Logs() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read %s log: %v)", p.name, err)
	}
	return string(b)
}

// ExitError describes how the process ended, or "" while it runs.
func (p *Process) ExitError() string {
	if !p.Exited() {
		return ""
	}
	if p.waitErr == nil {
		return p.name + " exited with status 0"
	}
	return fmt.Sprintf("%s exited: %v", p.name, p.waitErr)
}
