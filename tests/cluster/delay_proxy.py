#!/usr/bin/env python3
"""A TCP proxy that delays what the client sends, for tests/cluster/network_faults_test.sh.

Used when the kernel has no `netem` qdisc (tc answers "Specified qdisc kind is unknown"):
the app node connects to PostgreSQL through this proxy, which holds every chunk it reads
from the client for the delay in --delay-file (milliseconds, re-read for every chunk, 0
or a missing file: none) before passing it on, in order. The server's answers pass
straight through. That is what `netem delay D` on the app node's interface does: each
round trip to the server takes D longer. Losses and partitions are not made here: the
test takes the link down under the proxy's client connections instead.

  delay_proxy.py --listen HOST:PORT --to HOST:PORT --delay-file FILE
"""

import argparse
import asyncio
import time


def read_delay(path):
    try:
        with open(path) as f:
            return max(0.0, float(f.read().strip() or 0) / 1000.0)
    except (OSError, ValueError):
        return 0.0


async def pump(reader, writer, delay_file):
    """Copies reader to writer; with a delay file, each chunk leaves that much later."""
    queue = asyncio.Queue()

    async def read():
        while True:
            data = await reader.read(65536)
            delay = read_delay(delay_file) if delay_file else 0.0
            await queue.put((time.monotonic() + delay, data))
            if not data:
                return

    async def write():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read(), write())
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--to", required=True)
    parser.add_argument("--delay-file", required=True)
    args = parser.parse_args()
    listen_host, listen_port = args.listen.rsplit(":", 1)
    to_host, to_port = args.to.rsplit(":", 1)

    async def serve(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(to_host, int(to_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, args.delay_file),
                             pump(server_reader, client_writer, None))

    server = await asyncio.start_server(serve, listen_host, int(listen_port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
