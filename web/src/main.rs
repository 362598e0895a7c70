fn main() {
    stepwise_web::mount();
}
