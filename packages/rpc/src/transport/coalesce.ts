// One system call for everything a turn of the event loop sends to the broker.
//
// amqplib hands the socket each ready frame as a write of its own: a reply, then the ack of the
// request it answers, a publish on another channel. With Nagle's algorithm off (noDelay, which
// the round trip needs) every one is a system call here and a TCP segment the broker reads and
// handles apart. Corking the socket at the first write of a turn and uncorking it once the
// turn's synchronous work and promise jobs have run sends them as one writev. Nothing waits
// past the current turn, so no round trip gets longer.
import { Socket } from "node:net";
import type { ChannelModel } from "amqplib";

/** Batches the model's socket writes per turn; false if amqplib no longer exposes its socket. */
export function coalesceWrites(model: ChannelModel): boolean {
  const socket = (model as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  if (!(socket instanceof Socket)) return false;
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket["write"];
  return true;
}
