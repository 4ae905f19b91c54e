"""A TCP proxy on loopback between Carnet and a server: it records what the client
sends, and on demand cuts or stalls connections after a number of bytes.

The faults apply to connections opened after they are set, counted per
connection in the server-to-client direction:

- ``cut_after=N``: forward N bytes, then close both sides (a dropped connection);
- ``stall_after=N``: forward N bytes, then forward nothing more while keeping the
  connection open (a server that hangs), until :meth:`close`.
"""

from __future__ import annotations

import selectors
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Self


@dataclass
class Faults:
    cut_after: int | None = None
    stall_after: int | None = None


class FaultProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.faults = Faults()
        self.client_bytes = bytearray()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def commands(self) -> list[str]:
        """Each command line the client sent (tag removed), literals' contents included as lines."""
        with self._lock:
            text = bytes(self.client_bytes).decode("utf-8", "replace")
        return [line.split(" ", 1)[1] for line in text.split("\r\n") if " " in line]

    def _accept(self) -> None:
        self._listener.settimeout(0.1)  # closing a socket does not wake a blocked accept()
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(client, Faults(**vars(self.faults))), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, client: socket.socket, faults: Faults) -> None:
        with client, socket.create_connection(self.target) as server:
            self._pump(client, server, faults)

    def _pump(self, client: socket.socket, server: socket.socket, faults: Faults) -> None:
        """Forward both ways until either side closes, a cut, or the proxy's end."""
        sent_down = 0
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ)
            selector.register(server, selectors.EVENT_READ)
            while not self._closed.is_set():
                for key, _ in selector.select(timeout=0.1):
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    if key.fileobj is client:
                        with self._lock:
                            self.client_bytes += data
                        server.sendall(data)
                        continue
                    allowed = _allowance(faults, sent_down, len(data))
                    client.sendall(data[:allowed])
                    sent_down += allowed
                    if allowed < len(data) or _exhausted(faults, sent_down):
                        return self._fault(client, selector, faults)
        return None

    def _fault(self, client: socket.socket, selector: selectors.BaseSelector, faults: Faults) -> None:
        if faults.cut_after is not None:
            client.shutdown(socket.SHUT_RDWR)
            return
        selector.unregister(client)
        self._closed.wait()


def _allowance(faults: Faults, sent: int, size: int) -> int:
    limit = faults.cut_after if faults.cut_after is not None else faults.stall_after
    return size if limit is None else max(0, min(size, limit - sent))


def _exhausted(faults: Faults, sent: int) -> bool:
    limit = faults.cut_after if faults.cut_after is not None else faults.stall_after
    return limit is not None and sent >= limit
