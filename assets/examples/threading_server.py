# socketserver.ThreadingTCPServer: a new thread for each client, so one slow
# client does not hold up the others.
# socketserver.ThreadingTCPServer：每个客户端一个新线程，一个慢客户端不会拖住其他客户端。
#
#   python3 threading_server.py PORT [CLIENTS]
import socketserver
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 3


class Upper(socketserver.BaseRequestHandler):
    # handle() runs in its own thread; self.request is the accepted socket.
    # handle() 在自己的线程里运行；self.request 是 accept() 得到的套接字。
    def handle(self):
        name = threading.current_thread().name
        while True:
            data = self.request.recv(1024)
            if not data:
                break
            print(name, "got", data, flush=True)
            self.request.sendall(data.upper())


socketserver.ThreadingTCPServer.allow_reuse_address = True
with socketserver.ThreadingTCPServer(("0.0.0.0", port), Upper) as server:
    # Serve this many clients, then wait for their threads and stop.
    # 服务这么多个客户端之后，等它们的线程结束，然后停止。
    for _ in range(clients):
        server.handle_request()
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join()
