import Glibc

/// Results that worker threads write at distinct indexes and the caller reads once all are done.
final class IndexedResults<Value: Sendable>: @unchecked Sendable {
  private var storage: [Value?]
  private let lock = ThreadLock()
  init(count: Int) { storage = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ value: Value) { lock.locked { storage[index] = value } }
  /// Every value; each index must have been set.
  func values() -> [Value] { lock.locked { storage.map { $0! } } }
}

/// Hands out 0, 1, 2 … to worker threads, so each takes the next unprocessed index.
final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = ThreadLock()
  func increment() -> Int { lock.locked { defer { value += 1 }; return value } }
}

/// A pthread mutex, to keep Foundation out of the hot path.
final class ThreadLock: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  init() {
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }
  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }
  func locked<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }
}
