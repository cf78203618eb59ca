package authentik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// Stacks keep their ownership record and their lock in authentik, each in
// a disabled blueprint instance (/managed/blueprints/): its name is unique,
// its context is free JSON, and authentik never applies a disabled one
// (authentik/blueprints/v1/tasks.py apply_blueprint). The serializer wants
// a path or a content, and validates the content as a blueprint, so both
// carry an empty blueprint (plan.RecordContent); a PATCH must send the
// content again, as its validate() sees only the fields sent.

// stackIO reads every stack's record in one list: the names share a prefix,
// which authentik's search (name or path contains) finds.
var stackIO = kindIO{read: func(r *reader, live *plan.Live) {
	read(r, "list stack records", plan.KindStack, "name", func(b *api.BlueprintInstance) blueprint {
		return blueprint{pk: b.Pk, name: b.Name, context: b.Context}
	}, &r.blueprints, func(ctx context.Context, page int32) (*http.Response, error) {
		_, resp, err := r.c.api.ManagedApi.ManagedBlueprintsList(ctx).Search(plan.RecordPrefix).Page(page).PageSize(pageSize).Execute()
		return resp, err
	})
	r.after = append(r.after, func() {
		for _, b := range r.blueprints {
			if strings.HasPrefix(b.name, plan.RecordPrefix) {
				live.Stacks = append(live.Stacks, plan.ParseRecord(b.pk, b.name, b.context))
			}
		}
	})
}}

type blueprint struct {
	pk      string
	name    string
	context map[string]any
}

// WriteRecord stores a stack's record: a new blueprint instance when pk is
// "", else a PATCH of it. It returns the record's pk.
func (c *Client) WriteRecord(ctx context.Context, stack, pk string, objects []plan.Owned) (string, error) {
	ctxJSON := plan.RecordContext(stack, objects)
	content := plan.RecordContent(stack)
	doing := fmt.Sprintf("write the ownership record of stack %q", stack)
	if pk == "" {
		b, resp, err := c.createBlueprint(ctx, plan.RecordName(stack), ctxJSON)
		if err != nil {
			return "", c.wrap(doing, resp, err)
		}
		return b.Pk, nil
	}
	req := api.PatchedBlueprintInstanceRequest{Context: ctxJSON, Content: &content}
	_, resp, err := c.api.ManagedApi.ManagedBlueprintsPartialUpdate(ctx, pk).PatchedBlueprintInstanceRequest(req).Execute()
	if err != nil {
		return "", c.wrap(doing, resp, err)
	}
	return pk, nil
}

func (c *Client) createBlueprint(ctx context.Context, name string, context map[string]any) (*api.BlueprintInstance, *http.Response, error) {
	req := api.NewBlueprintInstanceRequest(name)
	disabled := false
	content := plan.RecordContent(strings.TrimPrefix(strings.TrimPrefix(name, plan.RecordPrefix), plan.LockPrefix))
	req.Enabled, req.Content, req.Context = &disabled, &content, context
	return c.api.ManagedApi.ManagedBlueprintsCreate(ctx).BlueprintInstanceRequest(*req).Execute()
}

// findBlueprint returns the blueprint instance of that exact name, or nil.
func (c *Client) findBlueprint(ctx context.Context, name string) (*api.BlueprintInstance, error) {
	list, resp, err := c.api.ManagedApi.ManagedBlueprintsList(ctx).Name(name).Execute()
	if err != nil {
		return nil, c.wrap("read blueprint instance "+name, resp, err)
	}
	for i := range list.Results {
		if list.Results[i].Name == name {
			return &list.Results[i], nil
		}
	}
	return nil, nil
}

// Records reads every stack's record (for provision state).
func (c *Client) Records(ctx context.Context) ([]plan.StackRecord, error) {
	live, err := c.Snapshot(ctx, plan.Reads{Kinds: []plan.Kind{plan.KindStack}})
	if err != nil {
		return nil, err
	}
	return live.Stacks, nil
}

// Lock is a held stack lock: a blueprint instance whose context names the
// holder and a lease the holder renews.
type Lock struct {
	c      *Client
	stack  string
	pk     string
	holder Holder
	lease  time.Duration
	stop   chan struct{}
	done   chan struct{}
}

// Holder says who holds a lock.
type Holder struct {
	ID      string    `json:"id"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Expires time.Time `json:"expires"`
}

func (h Holder) context() map[string]any {
	return map[string]any{"format": plan.RecordFormat, "holder": h.ID, "host": h.Host, "pid": h.PID,
		"since": h.Since.UTC().Format(time.RFC3339), "expires": h.Expires.UTC().Format(time.RFC3339),
		"managed_by": "provision: the lock of a stack while an apply runs. Delete it (or run provision state unlock) only if that apply is dead."}
}

func holderOf(ctx map[string]any) Holder {
	var h Holder
	h.ID, _ = ctx["holder"].(string)
	h.Host, _ = ctx["host"].(string)
	if pid, ok := ctx["pid"].(float64); ok {
		h.PID = int(pid)
	}
	if s, ok := ctx["since"].(string); ok {
		h.Since, _ = time.Parse(time.RFC3339, s)
	}
	if s, ok := ctx["expires"].(string); ok {
		h.Expires, _ = time.Parse(time.RFC3339, s)
	}
	return h
}

// LockHeldError is a lock another apply holds.
type LockHeldError struct {
	Stack  string
	Holder Holder
}

func (e *LockHeldError) Error() string {
	return fmt.Sprintf("stack %q is locked by another apply (host %s, pid %d, since %s, lease until %s); wait for it, pass --lock-timeout to wait, or run provision state unlock --stack %s if that apply is dead",
		e.Stack, e.Holder.Host, e.Holder.PID, e.Holder.Since.UTC().Format(time.RFC3339), e.Holder.Expires.UTC().Format(time.RFC3339), e.Stack)
}

// LockOptions tune AcquireLock.
type LockOptions struct {
	// Timeout is how long to wait for a held lock; 0 fails at once.
	Timeout time.Duration
	// Lease is how long the lock lives without renewal (default 2 min);
	// it is renewed every third of it.
	Lease time.Duration
	// Poll is the wait between attempts (default 1 s).
	Poll time.Duration
}

// AcquireLock takes a stack's lock: it creates the lock's blueprint
// instance, which fails when it exists (the name is unique), so two
// applies cannot both hold it. An expired lock is broken. The lease is
// renewed in the background until Release.
func (c *Client) AcquireLock(ctx context.Context, stack string, o LockOptions) (*Lock, error) {
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	host, _ := os.Hostname()
	deadline := time.Now().Add(o.Timeout)
	name := plan.LockName(stack)
	vanished := 0
	for {
		now := time.Now()
		h := Holder{ID: fmt.Sprintf("%s/%d/%d", host, os.Getpid(), now.UnixNano()), Host: host, PID: os.Getpid(), Since: now, Expires: now.Add(o.Lease)}
		b, resp, err := c.createBlueprint(ctx, name, h.context())
		if err == nil {
			l := &Lock{c: c, stack: stack, pk: b.Pk, holder: h, lease: o.Lease, stop: make(chan struct{}), done: make(chan struct{})}
			go l.renew()
			return l, nil
		}
		if resp == nil || resp.StatusCode != http.StatusBadRequest {
			return nil, c.wrap(fmt.Sprintf("take the lock of stack %q", stack), resp, err)
		}
		// Taken (the name is unique): by whom, and is it expired?
		cur, ferr := c.findBlueprint(ctx, name)
		if ferr != nil {
			return nil, ferr
		}
		if cur == nil {
			if vanished++; vanished > 3 {
				return nil, c.wrap(fmt.Sprintf("take the lock of stack %q", stack), resp, err)
			}
			continue // released meanwhile
		}
		held := holderOf(cur.Context)
		if !held.Expires.IsZero() && time.Now().After(held.Expires) {
			// The holder died: break the lease and try again.
			if r, derr := c.api.ManagedApi.ManagedBlueprintsDestroy(ctx, cur.Pk).Execute(); derr != nil && !gone(r, derr) {
				return nil, c.wrap(fmt.Sprintf("break the expired lock of stack %q", stack), r, derr)
			}
			continue
		}
		if time.Now().Add(o.Poll).After(deadline) {
			return nil, &LockHeldError{Stack: stack, Holder: held}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(o.Poll):
		}
	}
}

func (l *Lock) renew() {
	defer close(l.done)
	t := time.NewTicker(l.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.holder.Expires = time.Now().Add(l.lease)
			content := plan.RecordContent(l.stack)
			req := api.PatchedBlueprintInstanceRequest{Context: l.holder.context(), Content: &content}
			ctx, cancel := context.WithTimeout(context.Background(), l.lease/3)
			_, _, _ = l.c.api.ManagedApi.ManagedBlueprintsPartialUpdate(ctx, l.pk).PatchedBlueprintInstanceRequest(req).Execute()
			cancel()
		}
	}
}

// Release stops renewing and deletes the lock.
func (l *Lock) Release(ctx context.Context) error {
	close(l.stop)
	<-l.done
	resp, err := l.c.api.ManagedApi.ManagedBlueprintsDestroy(ctx, l.pk).Execute()
	if err != nil && !gone(resp, err) {
		return l.c.wrap(fmt.Sprintf("release the lock of stack %q", l.stack), resp, err)
	}
	return nil
}

// BreakLock deletes a stack's lock whoever holds it; it returns the holder
// it broke, or ErrNotLocked.
func (c *Client) BreakLock(ctx context.Context, stack string) (Holder, error) {
	cur, err := c.findBlueprint(ctx, plan.LockName(stack))
	if err != nil {
		return Holder{}, err
	}
	if cur == nil {
		return Holder{}, ErrNotLocked
	}
	resp, err := c.api.ManagedApi.ManagedBlueprintsDestroy(ctx, cur.Pk).Execute()
	if err != nil && !gone(resp, err) {
		return Holder{}, c.wrap(fmt.Sprintf("break the lock of stack %q", stack), resp, err)
	}
	return holderOf(cur.Context), nil
}

// ErrNotLocked is BreakLock on a stack nobody holds.
var ErrNotLocked = errors.New("not locked")
