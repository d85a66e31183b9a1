import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for the service process, applied when this module is first
 * imported (main.ts imports it before anything else).
 *
 * Allocation-site pretenuring off: V8 watches which object literals survive a
 * young-generation collection and, once most of a site's objects have, it
 * allocates all of that site's later objects straight in the old generation.
 * A burst of requests in flight during a collection is enough to make a
 * per-request site look long-lived, and the decision then feeds itself (the
 * objects, born old, always "survive"). Every request's parameters and
 * machine steps then became old-generation garbage that only a full GC frees:
 * on the webhook path the web process promoted about 500 KB per scavenge with
 * it and under 70 KB without, and its full GCs, whose pauses hold up the
 * answers in flight, came several times less often.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
