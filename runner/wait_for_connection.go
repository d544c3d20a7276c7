package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/gansible/gansible/modules"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// actionWaitForConnection is ansible.builtin.wait_for_connection's action
// plugin: after delay, it opens a fresh connection to the host and runs
// the ping module on it, every sleep seconds until it answers or timeout
// has passed (check mode skips it before, in runActionOnce). connect_timeout, which the plugin hands to a transport test
// that its ssh connection does not have, changes nothing here either.
func (r *run) actionWaitForConnection(ctx context.Context, h *hostState, t *playbook.Task, vars template.Vars, args map[string]any) *taskResult {
	delay := intValue(args["delay"], 0)
	sleep := intValue(args["sleep"], 1)
	timeout := intValue(args["timeout"], 600)
	start := time.Now()
	wait := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	if delay > 0 && !wait(time.Duration(delay)*time.Second) {
		return failed("interrupted")
	}
	ping := func() error {
		// A new connection each time, as the plugin resets its own.
		h.closeConnections()
		conn, err := r.connFor(ctx, h, t, vars)
		if err != nil {
			return err
		}
		become, err := r.become(t, vars)
		if err != nil {
			return err
		}
		m, _ := modules.Lookup("ping")
		res, err := m.Run(&modules.Context{Ctx: ctx, Conn: conn, Become: become, Host: h.name}, modules.Args{})
		if err != nil {
			return err
		}
		if res.Failed || res.Fields["ping"] != "pong" {
			return fmt.Errorf("ping test failed")
		}
		return nil
	}
	end := time.Now().Add(time.Duration(timeout) * time.Second)
	var last error
	ok := false
	for time.Now().Before(end) {
		if last = ping(); last == nil {
			ok = true
			break
		}
		if !wait(time.Duration(sleep) * time.Second) {
			break
		}
	}
	res := map[string]any{"changed": false, "elapsed": int(time.Since(start).Seconds())}
	if !ok {
		// The connection stays closed; the next task opens its own.
		h.closeConnections()
		res["failed"] = true
		res["msg"] = fmt.Sprintf("timed out waiting for ping module test: %v", last)
		return &taskResult{status: output.Failed, result: res}
	}
	return &taskResult{status: output.OK, result: res}
}
